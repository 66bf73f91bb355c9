// swift-tools-version: 6.0
// modal-swift: Swift SDK, command line and self-hostable server for Modal-style API-token authentication.
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode with strict concurrency.
let strict: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

/// The command lines (CommandLineKit, `modal`) run their async code on the caller's executor (the main thread) instead
/// of hopping to Swift's global pool at every call: a command that never waits starts no thread.
let commandLineSettings: [SwiftSetting] = [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]

/// The token format's checks run over every candidate a scanner finds (and ten million times in its
/// false-positive test): optimised even in debug builds.
let alwaysOptimized: [SwiftSetting] = [.unsafeFlags(["-O"])]

/// Every module that `modal` links is built without the autolink entries for the standard library's
/// string-processing libraries (`_StringProcessing`, `_RegexParser`, which every Swift module imports
/// implicitly) and for Swift's Glibc overlay (`libswiftGlibc`, which `import Glibc` brings). None of
/// these modules calls them: text search goes through `TextSearch`; `errno`, `open`, `fcntl`, the
/// `S_IF*` file types, `SIG_IGN`, `SIG_DFL` and `environ` through `CShims`. So `modal` does not load
/// and relocate the string-processing libraries at every start (about a million instructions of the
/// dynamic loader's work, a quarter of a Swift hello world's), and the Glibc overlay, which the
/// concurrency runtime loads anyway, comes last in the dynamic loader's search order instead of before
/// the C library (about 0.1 million instructions of symbol lookups); issue 19, docs/benchmarks.md. A
/// call that does need one of them fails at `modal`'s link with an undefined symbol instead of loading
/// it silently. Modules that do use them (the server, the tests) link them through their own imports.
let startupLinkage: [SwiftSetting] = [
  .unsafeFlags(
    ["swift_StringProcessing", "swift_RegexParser", "swiftGlibc"].flatMap {
      ["-Xfrontend", "-disable-autolink-library", "-Xfrontend", $0]
    },
    .when(platforms: [.linux])),
]

let package = Package(
  name: "modal-swift",
  platforms: [.macOS(.v14)],
  products: [
    .library(name: "Modal", targets: ["Modal"]),
    .library(name: "TOML", targets: ["TOML"]),
    .executable(name: "modal", targets: ["modal"]),
    .executable(name: "toml-decoder", targets: ["toml-decoder"]),
  ],
  targets: [
    // Layer 0: system libraries from the distribution (Debian -dev packages, Homebrew on macOS).
    .systemLibrary(
      name: "CGRPC", path: "Sources/System/CGRPC",
      providers: [.apt(["libgrpc-dev"]), .brew(["grpc"])]),
    .systemLibrary(
      name: "CMicroHTTPD", path: "Sources/System/CMicroHTTPD", pkgConfig: "libmicrohttpd",
      providers: [.apt(["libmicrohttpd-dev"]), .brew(["libmicrohttpd"])]),
    .systemLibrary(
      name: "CSQLite", path: "Sources/System/CSQLite", pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
    .systemLibrary(
      name: "CPostgres", path: "Sources/System/CPostgres", pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
    .systemLibrary(
      name: "CSodium", path: "Sources/System/CSodium", pkgConfig: "libsodium",
      providers: [.apt(["libsodium-dev"]), .brew(["libsodium"])]),
    .systemLibrary(
      name: "CCrypto", path: "Sources/System/CCrypto", pkgConfig: "libcrypto",
      providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),
    .systemLibrary(name: "CShims", path: "Sources/System/CShims"),
    // libsecret, opened with dlopen when a keyring is used (Linux; its shim says why not linked).
    .systemLibrary(name: "CSecret", path: "Sources/System/CSecret", providers: [.apt(["libsecret-1-0"])]),
    // libcrypto for ModalJOSE, opened with dlopen on first use so `modal` does not load it at start
    // (its shim says why); the headers come from libssl-dev.
    .systemLibrary(
      name: "CCryptoLoader", path: "Sources/System/CCryptoLoader", providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),

    // Layer 1: general-purpose modules that know nothing about Modal.
    .target(name: "TOML", swiftSettings: strict + startupLinkage),
    // Text search without `_StringProcessing` (see startupLinkage); CommandLineKit and RPC use it too.
    .target(name: "TextSearch", swiftSettings: strict + startupLinkage),
    .testTarget(name: "TextSearchTests", dependencies: ["TextSearch"], swiftSettings: strict),
    .target(name: "CommandLineKit", dependencies: ["TextSearch"], swiftSettings: strict + startupLinkage + commandLineSettings),
    .testTarget(name: "CommandLineKitTests", dependencies: ["CommandLineKit"], swiftSettings: strict),

    // MARK: Layer 1 and 2, protobuf (ProtoWire, ModalAPI, protoc plugin) — begin
    .target(name: "ProtoWire", swiftSettings: strict + startupLinkage),
    .target(name: "ModalAPI", dependencies: ["ProtoWire"], swiftSettings: strict + startupLinkage),
    .executableTarget(name: "protoc-gen-modal-swift", dependencies: ["ProtoWire"], swiftSettings: strict),
    .testTarget(name: "ProtoWireTests", dependencies: ["ProtoWire"], exclude: ["Protos"], swiftSettings: strict),
    .testTarget(
      name: "ModalAPITests", dependencies: ["ModalAPI", "ProtoWire", "protoc-gen-modal-swift"],
      swiftSettings: strict),
    // MARK: Layer 1 and 2, protobuf — end

    // MARK: Layer 1, RPC over the gRPC C core — begin
    // libdispatch through CShims, which looks its functions up on first use, not `import Dispatch`
    // (whose Swift overlay would load at every start of `modal`) nor linked (the loader would search it
    // before libc at start); Swift's concurrency runtime loads libdispatch anyway.
    .target(name: "RPC", dependencies: ["CGRPC", "CShims", "TextSearch"], swiftSettings: strict + startupLinkage),
    .testTarget(name: "RPCTests", dependencies: ["RPC"], swiftSettings: strict),
    .executableTarget(
      name: "rpc-benchmark", dependencies: ["RPC"], path: "Benchmarks/rpc-benchmark", swiftSettings: strict),
    // MARK: Layer 1, RPC — end

    // Layer 1: an HTTP/1.1 and TLS client over libcurl (OIDC discovery, key sets, OAuth), opened with
    // dlopen through CCurlLoader so `modal` does not load libcurl at start.
    .systemLibrary(
      name: "CCurlLoader", path: "Sources/System/CCurlLoader",
      providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),
    .target(name: "HTTPFetch", dependencies: ["CCurlLoader", "RPC"], swiftSettings: strict + startupLinkage),
    .testTarget(name: "HTTPFetchTests", dependencies: ["HTTPFetch", "TestSupport"], swiftSettings: strict),

    // Layer 2: the token secret format (checksums a scanner can verify), shared by the SDK and the server.
    .target(name: "ModalTokenFormat", swiftSettings: strict + startupLinkage + alwaysOptimized),
    .testTarget(
      name: "ModalTokenFormatTests", dependencies: ["ModalTokenFormat"], swiftSettings: strict + alwaysOptimized),

    // Layer 2: finding token ids and secrets in bytes (`modal token scan`), fast over a whole history.
    .target(name: "ModalTokenScan", dependencies: ["ModalTokenFormat"], swiftSettings: strict + startupLinkage + alwaysOptimized),
    .testTarget(
      name: "ModalTokenScanTests", dependencies: ["ModalTokenScan", "ModalTokenFormat"],
      swiftSettings: strict + alwaysOptimized),

    // Layer 2: JSON Web Tokens, keys and signatures (RS256, ES256, EdDSA) over libcrypto, shared by
    // the SDK (OAuth client assertions) and the server (OIDC tokens, client assertions).
    .target(name: "ModalJOSE", dependencies: ["CCryptoLoader"], swiftSettings: strict + startupLinkage),
    .testTarget(name: "ModalJOSETests", dependencies: ["ModalJOSE", "TestSupport"], swiftSettings: strict),

    // Layer 3: the SDK.
    .target(
      name: "Modal",
      dependencies: [
        "TOML", "ModalAPI", "ModalTokenFormat", "ProtoWire", "RPC", "CShims", "HTTPFetch", "ModalJOSE", "TextSearch",
        .target(name: "CSecret", condition: .when(platforms: [.linux])),
      ],
      swiftSettings: strict + startupLinkage),

    // Layer 4: the command line as a library.
    .target(
      name: "ModalCLI",
      dependencies: ["CommandLineKit", "Modal", "ModalTokenFormat", "ModalTokenScan", "RPC", "TOML", "CShims", "TextSearch"],
      swiftSettings: strict + startupLinkage + commandLineSettings),

    // MARK: Layer 4, modal-server (ModalServer library, its tests) — begin
    .target(
      name: "ModalServer", dependencies: ["TOML", "CommandLineKit", "RPC", "ModalAPI", "ModalTokenFormat", "ProtoWire", "CSQLite", "CPostgres", "CSodium", "CMicroHTTPD", "CCrypto", "ModalJOSE", "HTTPFetch", "TextSearch"],
      swiftSettings: strict),
    .executableTarget(name: "modal-server", dependencies: ["ModalServer"], swiftSettings: strict),
    .testTarget(
      name: "ModalServerTests",
      dependencies: ["ModalServer", "Modal", "RPC", "ModalAPI", "ProtoWire", "CSQLite", "CCrypto", "CommandLineKit", "TOML", "TestSupport", "modal-server", "ModalJOSE"],
      swiftSettings: strict),
    // MARK: Layer 4, modal-server — end

    // Layer 5: thin executables.
    .executableTarget(name: "modal", dependencies: ["ModalCLI"], swiftSettings: strict + startupLinkage + commandLineSettings),
    .executableTarget(name: "toml-decoder", dependencies: ["TOML"], swiftSettings: strict),

    // Benchmarks (run by the Benchmarks/run-*.sh scripts, never by the tests).
    .executableTarget(
      name: "toml-benchmark", dependencies: ["TOML"], path: "Benchmarks/toml-benchmark",
      swiftSettings: strict),
    .executableTarget(
      name: "oauth-load", dependencies: ["Modal", "RPC"], path: "Benchmarks/oauth-load", swiftSettings: strict),

    // Tests, with a shared support module (temporary folders, running built executables).
    .target(name: "TestSupport", dependencies: ["Modal"], path: "Tests/TestSupport", swiftSettings: strict),
    .testTarget(name: "TOMLTests", dependencies: ["TOML"], swiftSettings: strict),
    .testTarget(name: "ModalTests", dependencies: ["Modal", "ModalJOSE", "TOML", "TestSupport"], swiftSettings: strict),
    .testTarget(
      name: "ModalCLITests", dependencies: ["ModalCLI", "Modal", "ModalTokenFormat", "TOML", "TestSupport"], swiftSettings: strict),
    .testTarget(
      name: "InteropTests", dependencies: ["Modal", "ModalAPI", "ProtoWire", "RPC", "TestSupport"], swiftSettings: strict),
  ]
)
