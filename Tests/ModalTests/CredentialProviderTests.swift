import Modal
import RPC
import TestSupport
import Testing

/// An app's own provider, as a Keychain or vault lookup would be; counts how often it is asked.
private struct CountingProvider: CredentialProvider {
  let calls = Locked(0)
  let answer: Credentials?

  func credentials(context: CredentialContext) async throws(ModalError) -> Credentials {
    calls.withLock { $0 += 1 }
    guard let answer else { throw .noCredentials("test vault: no item for \(context.config.profileName)") }
    return answer
  }
}

/// Each credential provider on its own, in chains, and as a client resolves it: lazily, once.
@Suite struct CredentialProviderTests {
  private let file = "[work]\ntoken_id = \"ak-work\"\ntoken_secret = \"as-work-secret\"\nactive = true\n"

  private func context(_ file: String?, _ variables: [String: String] = [:], profile: String? = nil) throws -> CredentialContext {
    let folder = TemporaryFolder()
    if let file { folder.write(file) }
    return CredentialContext(config: try ModalConfig(host: folder.host(variables.merging(["PATH": "/usr/bin:/bin"]) { $1 }), profile: profile))
  }

  @Test func staticGivesItsPairAndSaysWhereItCameFrom() async throws {
    let plain = try await AnyCredentialProvider.static(tokenID: "ak-s", tokenSecret: "as-s").credentials(context: context(nil))
    #expect(plain == Credentials(tokenID: "ak-s", tokenSecret: "as-s", source: .arguments))
    let described = try await AnyCredentialProvider.static(tokenID: "ak-s", tokenSecret: "as-s", description: "the values given to `modal token set`")
      .credentials(context: context(nil))
    #expect(described.source.description == "the values given to `modal token set`")
    let empty = await #expect(throws: ModalError.self) {
      try await AnyCredentialProvider.static(tokenID: "ak-s", tokenSecret: "").credentials(context: context(nil))
    }
    #expect(empty?.code == .missingCredentials)
    #expect(empty?.message == "The token secret given to the static credential provider is empty.")
  }

  @Test func environmentReadsBothVariablesOrNeither() async throws {
    let found = try await AnyCredentialProvider.environment.credentials(
      context: context(file, ["MODAL_TOKEN_ID": "ak-e", "MODAL_TOKEN_SECRET": "as-e"]))
    #expect(found == Credentials(tokenID: "ak-e", tokenSecret: "as-e", source: .environment))
    let half = await #expect(throws: ModalError.self) {
      try await AnyCredentialProvider.environment.credentials(context: context(file, ["MODAL_TOKEN_SECRET": "as-e"]))
    }
    #expect(half?.message == "MODAL_TOKEN_SECRET is set but MODAL_TOKEN_ID is not; a token id and secret must come from the same place.")
    let none = await #expect(throws: ModalError.self) {
      try await AnyCredentialProvider.environment.credentials(context: context(file, ["MODAL_TOKEN_ID": ""]))
    }
    #expect(none?.code == .missingCredentials)
    #expect(none?.message == "Token missing. Could not authenticate client. Sources tried, in order:\n  1. environment: MODAL_TOKEN_ID and MODAL_TOKEN_SECRET are not set")
  }

  @Test func profileReadsTheSelectedOrANamedProfile() async throws {
    let two = file + "[ci]\ntoken_id = \"ak-ci\"\ntoken_secret = \"as-ci-secret\"\n"
    let selected = try await AnyCredentialProvider.profile().credentials(context: context(two, ["MODAL_TOKEN_ID": "ak-e", "MODAL_TOKEN_SECRET": "as-e"]))
    #expect(selected.tokenID == "ak-work")
    let named = try await AnyCredentialProvider.profile("ci").credentials(context: context(two))
    #expect(named.tokenID == "ak-ci")
    guard case .profile(name: "ci", _) = named.source else { Issue.record("source \(named.source)"); return }
    let missing = await #expect(throws: ModalError.self) { try await AnyCredentialProvider.profile("ghost").credentials(context: context(two)) }
    #expect(missing?.code == .profileNotFound)
  }

  @Test func profileReadsAnotherConfigurationFile() async throws {
    let folder = TemporaryFolder()
    let other = folder.write("[x]\ntoken_id = \"ak-other\"\ntoken_secret = \"as-other-secret\"\n", to: "other.toml")
    let context = CredentialContext(config: try ModalConfig(host: folder.host()))
    let credentials = try await AnyCredentialProvider.profile("x", configPath: other).credentials(context: context)
    #expect(credentials == Credentials(tokenID: "ak-other", tokenSecret: "as-other-secret", source: .profile(name: "x", path: other)))
  }

  @Test func secretCommandUsesOnlyTheCommand() async throws {
    let withCommand = "[work]\ntoken_id = \"ak-work\"\ntoken_secret_command = \"echo as-from-command-01\"\nactive = true\n"
    let credentials = try await AnyCredentialProvider.secretCommand().credentials(context: context(withCommand))
    #expect(credentials.tokenSecret == "as-from-command-01")
    guard case .profileCommand(name: "work", _) = credentials.source else { Issue.record("source \(credentials.source)"); return }
    let stored = await #expect(throws: ModalError.self) { try await AnyCredentialProvider.secretCommand().credentials(context: context(file)) }
    #expect(stored?.message.hasSuffix("it has no token_id and token_secret_command") == true, "\(stored?.message ?? "")")
  }

  @Test func chainNamesTheProviderThatAnswered() async throws {
    let vault = CountingProvider(answer: Credentials(tokenID: "ak-v", tokenSecret: "as-v", source: .named("the test vault")))
    let chain = AnyCredentialProvider.chain([.environment, .custom(vault), .profile()])
    let fromVault = try await chain.credentials(context: context(file))
    #expect(fromVault.source == .named("the test vault"))
    let fromEnvironment = try await chain.credentials(context: context(file, ["MODAL_TOKEN_ID": "ak-e", "MODAL_TOKEN_SECRET": "as-e"]))
    #expect(fromEnvironment.source == .environment)
    #expect(vault.calls.withLock { $0 } == 1)
    #expect(chain.description == "chain(environment, CountingProvider, profile)")
  }

  @Test func chainOfNothingListsEverySourceAndAHardErrorStopsIt() async throws {
    let empty = CountingProvider(answer: nil)
    let chain = AnyCredentialProvider.chain([.custom(empty), .environment])
    let none = await #expect(throws: ModalError.self) { try await chain.credentials(context: context(nil, profile: "p")) }
    #expect(none?.message == "Token missing. Could not authenticate client. Sources tried, in order:\n  1. test vault: no item for p\n  2. environment: MODAL_TOKEN_ID and MODAL_TOKEN_SECRET are not set")
    let half = await #expect(throws: ModalError.self) {
      try await AnyCredentialProvider.chain([.environment, .profile()]).credentials(context: context(file, ["MODAL_TOKEN_ID": "ak-e"]))
    }
    #expect(half?.message.hasPrefix("MODAL_TOKEN_ID is set but MODAL_TOKEN_SECRET is not") == true)
  }

  @Test func defaultIsEnvironmentThenTheSelectedProfile() async throws {
    #expect(try await AnyCredentialProvider.default.credentials(context: context(file)).tokenID == "ak-work")
    let fromEnvironment = try await AnyCredentialProvider.default.credentials(
      context: context(file, ["MODAL_TOKEN_ID": "ak-e", "MODAL_TOKEN_SECRET": "as-e"]))
    #expect(fromEnvironment.source == .environment)
  }
}

/// A client asks its provider on first use, once, however many calls start together.
@Suite struct LazyCredentialTests {
  @Test func aCustomProviderPlugsInAndIsAskedOnceByConcurrentFirstCalls() async throws {
    let folder = TemporaryFolder()
    let vault = CountingProvider(answer: Credentials(tokenID: "ak-v", tokenSecret: "as-v", source: .named("the test vault")))
    let client = try ModalClient(credentialProvider: .custom(vault), options: .init(serverURL: "http://127.0.0.1:1", host: folder.host()))
    #expect(vault.calls.withLock { $0 } == 0)
    let sources = try await withThrowingTaskGroup(of: Credentials.Source.self) { group in
      for _ in 0..<20 { group.addTask { try await client.credentials().source } }
      return try await group.reduce(into: [Credentials.Source]()) { $0.append($1) }
    }
    #expect(sources.count == 20 && sources.allSatisfy { $0 == .named("the test vault") })
    #expect(vault.calls.withLock { $0 } == 1)
  }

  @Test func initDoesNotRunASlowCommandAndConcurrentFirstUsesRunItOnce() async throws {
    let folder = TemporaryFolder()
    let marker = folder.path + "/runs"
    folder.write("[slow]\ntoken_id = \"ak-SLOW1\"\ntoken_secret_command = \"echo run >> \(marker); sleep 1; echo as-SLOW1secret\"\nactive = true\n")
    let start = ContinuousClock.now
    let client = try ModalClient(options: .init(serverURL: "http://127.0.0.1:1", host: folder.host(["PATH": "/usr/bin:/bin"])))
    #expect(ContinuousClock.now - start < .milliseconds(500), "init ran the command")
    #expect(folder.read("runs") == nil)
    let secrets = try await withThrowingTaskGroup(of: String.self) { group in
      for _ in 0..<4 { group.addTask { try await client.credentials().tokenSecret } }
      return try await group.reduce(into: [String]()) { $0.append($1) }
    }
    #expect(secrets == Array(repeating: "as-SLOW1secret", count: 4))
    #expect(folder.read("runs") == "run\n")
    _ = try await client.credentials()
    #expect(folder.read("runs") == "run\n")
  }

  @Test func aFailedResolutionIsAskedAgainOnTheNextUse() async throws {
    let folder = TemporaryFolder()
    let empty = CountingProvider(answer: nil)
    let client = try ModalClient(credentialProvider: .custom(empty), options: .init(serverURL: "http://127.0.0.1:1", host: folder.host()))
    for _ in 0..<2 {
      let error = await #expect(throws: ModalError.self) { try await client.credentials() }
      #expect(error?.code == .missingCredentials)
    }
    #expect(empty.calls.withLock { $0 } == 2)
  }

  @Test func aPairAndAProviderTogetherAreRefused() throws {
    let folder = TemporaryFolder()
    let error = #expect(throws: ModalError.self) {
      try ModalClient(
        tokenID: "ak-x", tokenSecret: "as-x", options: .init(host: folder.host(), credentialProvider: .environment))
    }
    #expect(error?.code == .invalidArgument)
  }
}
