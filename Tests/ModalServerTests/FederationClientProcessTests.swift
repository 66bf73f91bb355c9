import Foundation
import Modal
import ModalJOSE
import Testing
import TestSupport

/// Workload identity federation from the client side, with real processes: the Swift CLI finds
/// the token endpoint from the gRPC URL alone and exchanges a test issuer's token, then the real
/// Python 1.6.4 client uses the pair; and a simulated GitHub Actions job does the same with no
/// secret stored anywhere.
@Suite(.serialized) struct FederationClientProcessTests {
  static let issuer = "https://ci.example.test"

  private struct Scene: @unchecked Sendable {
    let folder = TemporaryFolder()
    let server: ModalServerProcess
    let signer: JWTSigningKey

    init(ttl: String = "10m") throws {
      server = try ModalServerProcess(in: folder)
      signer = try JWTSigningKey.generate(.rs256)
      let jwks = folder.path + "/jwks.json"
      try JSONWebKeySet(keys: [signer.publicKey]).jsonObject.serialized.write(toFile: jwks, atomically: true, encoding: .utf8)
      let added = try ModalServerProcess.command([
        "federation", "add", "--data-dir", server.dataDirectory, "--workspace", "me", "--name", "ci", "--issuer",
        FederationClientProcessTests.issuer, "--audience", "modal-me", "--claim", "repository=acme/*", "--scopes", "read",
        "--ttl", ttl, "--jwks-file", jwks,
      ])
      #expect(added.status == 0, "\(added.stderr)")
    }

    /// A fresh OIDC token (its own `jti`) for `acme/app`, written to `name` in the folder.
    func tokenFile(_ name: String) throws -> String {
      let now = Int(Date().timeIntervalSince1970)
      let token = try signer.sign(
        header: ["kid": .string(signer.publicKey.keyID ?? "")],
        claims: [
          "iss": .string(FederationClientProcessTests.issuer), "aud": .string("modal-me"),
          "sub": .string("repo:acme/app:ref:refs/heads/main"), "repository": .string("acme/app"),
          "exp": .number(Double(now + 300)), "iat": .number(Double(now)), "jti": .string(UUID().uuidString),
        ])
      let path = folder.path + "/" + name
      try token.write(toFile: path, atomically: true, encoding: .utf8)
      return path
    }

    /// `modal token exchange --oidc-token-file FILE` with more arguments, in a clean job.
    func swiftExchange(_ tokenFile: String, _ arguments: [String]) throws -> ProcessOutput {
      try ProcessRunner.run(
        ProcessRunner.product("modal"), ["token", "exchange", "--oidc-token-file", tokenFile] + arguments,
        environment: baseEnvironment, stdin: "")
    }

    /// Variables of a clean job: a home folder without a config file, the gRPC URL only.
    var baseEnvironment: [String: String] {
      [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path,
        "MODAL_SERVER_URL": server.url, "MODAL_CONFIG_PATH": folder.path + "/modal.toml", "COLUMNS": "400",
        "TERM": "dumb", "NO_COLOR": "1", "TZ": "UTC",
      ]
    }
  }

  private func python() -> String? {
    switch ReferenceClient.executable() {
    case .success(let path): return path
    case .failure(let missing):
      Issue.record("\(missing)")
      return nil
    }
  }

  @Test func swiftCLIExchangesByItselfAndPythonUsesThePair() throws {
    guard let python = python() else { return }
    let scene = try Scene()
    defer { _ = scene.server.stop(.terminate) }
    let tokenFile = try scene.tokenFile("oidc-token")
    let exchanged = try scene.swiftExchange(tokenFile, ["--format", "json"])
    #expect(exchanged.status == 0, "\(exchanged.stderr) \(scene.server.log.suffix(1500))")
    let json = try JSONSerialization.jsonObject(with: Data(exchanged.stdout.utf8)) as? [String: Any] ?? [:]
    let id = try #require(json["token_id"] as? String)
    let secret = try #require(json["token_secret"] as? String)
    #expect(json["expires_in"] as? Int == 600 && json["workspace"] as? String == "me")

    var environment = scene.baseEnvironment
    environment["MODAL_TOKEN_ID"] = id
    environment["MODAL_TOKEN_SECRET"] = secret
    let info = try ProcessRunner.run(python, ["token", "info"], environment: environment, stdin: "")
    #expect(info.status == 0 && info.stdout.contains("Token: \(id)"), "\(info.stdout) \(info.stderr)")
    let secrets = try ProcessRunner.run(python, ["secret", "list"], environment: environment, stdin: "")
    #expect(secrets.status == 0, "\(secrets.stderr)")

    // The Swift CLI's own commands with only the OIDC variables: the SDK provider exchanges.
    var federated = scene.baseEnvironment
    federated["MODAL_OIDC_TOKEN_FILE"] = try scene.tokenFile("oidc-token-2")
    let swiftInfo = try ProcessRunner.run(ProcessRunner.product("modal"), ["token", "info"], environment: federated, stdin: "")
    #expect(swiftInfo.status == 0, "\(swiftInfo.stderr)")
    #expect(swiftInfo.stdout.contains("Minted by federation: trust policy 'ci', expires"), "\(swiftInfo.stdout)")
    #expect(!FileManager.default.fileExists(atPath: scene.folder.path + "/modal.toml"), "no secret is stored")
    let token = try String(contentsOfFile: tokenFile, encoding: .utf8)
    #expect(!scene.server.log.contains(secret) && !scene.server.log.contains(token.suffix(30)))
  }

  @Test func exchangeWithAProfileStoresThePairThere() throws {
    guard let python = python() else { return }
    let scene = try Scene()
    defer { _ = scene.server.stop(.terminate) }
    let stored = try scene.swiftExchange(try scene.tokenFile("oidc-token"), ["--profile", "ci"])
    #expect(stored.status == 0, "\(stored.stderr)")
    #expect(!stored.stdout.contains("as-"), "the secret is stored, not printed")
    let config = try String(contentsOfFile: scene.folder.path + "/modal.toml", encoding: .utf8)
    #expect(config.contains("[ci]") && config.contains("token_id = \"ak-"), "\(config.prefix(80))")
    var environment = scene.baseEnvironment
    environment["MODAL_PROFILE"] = "ci"
    let info = try ProcessRunner.run(python, ["token", "info"], environment: environment, stdin: "")
    #expect(info.status == 0 && info.stdout.contains("oidc-ci"), "\(info.stdout) \(info.stderr)")
  }

  @Test func aSimulatedGitHubActionsJobUsesSwiftThenPythonWithNoSecretStored() throws {
    guard let python = python() else { return }
    let scene = try Scene()
    defer { _ = scene.server.stop(.terminate) }
    let served = try scene.tokenFile("served-oidc-token")
    let github = try TokenEndpointStandIn(expiresIn: 1, githubTokenFile: served)
    let githubEnv = scene.folder.path + "/github-env"
    _ = FileManager.default.createFile(atPath: githubEnv, contents: nil)
    // The workflow's two steps; the runner loads $GITHUB_ENV between steps, as `set -a; .` does.
    let workflow = """
      set -eu
      "$SWIFT_MODAL" token exchange --provider github-actions --format github-env >> "$GITHUB_ENV"
      set -a; . "$GITHUB_ENV"; set +a
      "$PYTHON_MODAL" token info
      "$PYTHON_MODAL" secret list
      """
    var environment = scene.baseEnvironment
    environment.merge([
      "GITHUB_ACTIONS": "true", "GITHUB_ENV": githubEnv, "ACTIONS_ID_TOKEN_REQUEST_URL": github.githubURL,
      "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "gh-request-token", "MODAL_OIDC_AUDIENCE": "modal-me",
      "SWIFT_MODAL": ProcessRunner.product("modal"), "PYTHON_MODAL": python,
    ]) { $1 }
    let job = try ProcessRunner.run("/bin/bash", ["-c", workflow], environment: environment, stdin: "")
    #expect(job.status == 0, "\(job.stdout) \(job.stderr) \(scene.server.log.suffix(1500))")
    #expect(job.stdout.contains("oidc-ci"), "\(job.stdout)")
    #expect(try github.seen().audience == "modal-me")
    let lines = try String(contentsOfFile: githubEnv, encoding: .utf8).split(separator: "\n").map(String.init)
    #expect(lines.map { $0.prefix { $0 != "=" } } == ["MODAL_TOKEN_ID", "MODAL_TOKEN_SECRET"], "\(lines.map { $0.prefix(20) })")
    let secret = String(lines.last?.dropFirst("MODAL_TOKEN_SECRET=".count) ?? "")
    // Masked before it is used; the mask line went to stderr, since stdout was the $GITHUB_ENV file.
    #expect(job.stderr.contains("::add-mask::\(secret)"))
    #expect(!FileManager.default.fileExists(atPath: scene.folder.path + "/modal.toml"), "no secret is stored")
  }

  /// Three lifetimes of the shortest token a policy mints (1 minute; renewed at 48 s): twenty
  /// clients sharing one federation provider call the server every 4 s and never fail; each
  /// renewal is one exchange shared by all twenty. The token file is rewritten with a fresh token
  /// every 10 s, as a platform rotating a projected token does. About 3 minutes.
  @Test func twentyClientsKeepWorkingAcrossThreeLifetimes() async throws {
    let scene = try Scene(ttl: "1m")
    defer { _ = scene.server.stop(.terminate) }
    let tokenFile = try scene.tokenFile("oidc-token")
    let provider = AnyCredentialProvider.federation()
    var variables = scene.baseEnvironment
    variables["MODAL_OIDC_TOKEN_FILE"] = tokenFile
    let host = HostEnvironment(variables: variables, homeDirectory: scene.folder.path)
    let clients = try (0..<20).map { _ in
      try ModalClient(credentialProvider: provider, options: ModalClient.Options(serverURL: scene.server.url, host: host))
    }
    let rotation = Task {
      while !Task.isCancelled {
        try await Task.sleep(for: .seconds(10))
        _ = try scene.tokenFile("oidc-token")
      }
    }
    defer { rotation.cancel() }
    var rounds: [Set<String>] = []
    let end = ContinuousClock.now + .seconds(182)
    while ContinuousClock.now < end {
      let ids = try await withThrowingTaskGroup(of: String.self) { group in
        for client in clients {
          group.addTask {
            try await client.hello()
            return try await client.credentials().tokenID
          }
        }
        return try await group.reduce(into: Set<String>()) { $0.insert($1) }
      }
      rounds.append(ids)
      try await Task.sleep(for: .seconds(4))
    }
    let minted = rounds.reduce(into: Set<String>()) { $0.formUnion($1) }
    #expect((4...5).contains(minted.count), "tokens minted: \(minted.count)")
    #expect(rounds.filter { $0.count > 1 }.count <= minted.count, "rounds that straddle a renewal are rare")
  }
}
