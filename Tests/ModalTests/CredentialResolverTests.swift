import Modal
import TOML
import TestSupport
import Testing

@Suite struct CredentialResolverTests {
  private let twoProfiles = """
    [alice]
    token_id = "ak-alice"
    token_secret = "as-alice-secret"
    active = true

    [bob]
    token_id = "ak-bob"
    token_secret = "as-bob-secret"
    """

  private func resolve(
    _ file: String?, _ variables: [String: String] = [:], profile: String? = nil, id: String? = nil, secret: String? = nil
  ) async throws -> Credentials {
    let folder = TemporaryFolder()
    if let file { folder.write(file) }
    let config = try ModalConfig(host: folder.host(variables), profile: profile)
    return try await CredentialResolver(config: config).resolve(tokenID: id, tokenSecret: secret)
  }

  @Test func argumentsComeFirst() async throws {
    let credentials = try await resolve(twoProfiles, ["MODAL_TOKEN_ID": "ak-env", "MODAL_TOKEN_SECRET": "as-env"], id: "ak-arg", secret: "as-arg")
    #expect(credentials == Credentials(tokenID: "ak-arg", tokenSecret: "as-arg", source: .arguments))
  }

  @Test func environmentComesBeforeTheProfile() async throws {
    let credentials = try await resolve(twoProfiles, ["MODAL_TOKEN_ID": "ak-env", "MODAL_TOKEN_SECRET": "as-env"])
    #expect(credentials.tokenID == "ak-env")
    #expect(credentials.source == .environment)
  }

  @Test func activeProfileSuppliesThePairAndSaysWhere() async throws {
    let folder = TemporaryFolder()
    let path = folder.write(twoProfiles)
    let config = try ModalConfig(host: folder.host())
    let credentials = try await CredentialResolver(config: config).resolve()
    #expect(credentials == Credentials(tokenID: "ak-alice", tokenSecret: "as-alice-secret", source: .profile(name: "alice", path: path)))
    #expect(credentials.description == "ak-alice (secret as-****cret) from profile 'alice' in \(path)")
  }

  @Test func namedProfileIsUsed() async throws {
    #expect(try await resolve(twoProfiles, ["MODAL_PROFILE": "bob"]).tokenID == "ak-bob")
    #expect(try await resolve(twoProfiles, profile: "bob").tokenID == "ak-bob")
  }

  @Test func halfAPairInTheEnvironmentIsAnErrorNamingTheMissingHalf() async throws {
    let error = await #expect(throws: ModalError.self) { try await resolve(twoProfiles, ["MODAL_TOKEN_ID": "ak-env"]) }
    #expect(error?.code == .missingCredentials)
    #expect(error?.message == "MODAL_TOKEN_ID is set but MODAL_TOKEN_SECRET is not; a token id and secret must come from the same place.")
    let other = await #expect(throws: ModalError.self) { try await resolve(twoProfiles, ["MODAL_TOKEN_SECRET": "as-env"]) }
    #expect(other?.message.hasPrefix("MODAL_TOKEN_SECRET is set but MODAL_TOKEN_ID is not") == true)
  }

  @Test func halfAPairInArgumentsIsAnError() async throws {
    await #expect(throws: ModalError.self) { try await resolve(twoProfiles, id: "ak-x") }
    await #expect(throws: ModalError.self) { try await resolve(twoProfiles, secret: "as-x") }
  }

  @Test func halfAPairInAProfileIsAnError() async throws {
    let error = await #expect(throws: ModalError.self) { try await resolve("[p]\nactive = true\ntoken_id = \"ak-1\"\n") }
    #expect(error?.message.contains("has a token_id but no token_secret") == true)
    #expect(error?.remedy?.contains("modal token set --profile p") == true)
  }

  @Test func emptyEnvironmentVariablesDoNotHideTheProfile() async throws {
    #expect(try await resolve(twoProfiles, ["MODAL_TOKEN_ID": "", "MODAL_TOKEN_SECRET": ""]).tokenID == "ak-alice")
  }

  @Test func nothingFoundListsEverySourceAndTheFixes() async throws {
    let error = await #expect(throws: ModalError.self) { try await resolve(nil) }
    let text = error?.description ?? ""
    #expect(text.hasPrefix("Token missing. Could not authenticate client. Sources tried, in order:\n  1. arguments: none passed in code\n  2. environment: MODAL_TOKEN_ID and MODAL_TOKEN_SECRET are not set\n  3. federation: MODAL_OIDC_TOKEN_FILE, MODAL_OIDC_TOKEN and MODAL_OIDC_PROVIDER are not set\n  4. profile 'default' in "))
    #expect(text.contains("the file does not exist"))
    #expect(text.contains("modal setup"))
    #expect(text.contains("modal token set"))
    #expect(text.contains("MODAL_TOKEN_ID and MODAL_TOKEN_SECRET in the environment"))
  }

  @Test func missingNamedProfileUsesPythonText() async throws {
    let folder = TemporaryFolder()
    let path = folder.write(twoProfiles)
    let error = await #expect(throws: ModalError.self) {
      try await CredentialResolver(config: ModalConfig(host: folder.host(["MODAL_PROFILE": "ghost"]))).resolve()
    }
    #expect(error?.code == .profileNotFound)
    #expect(error?.message == "Modal profile 'ghost' was not found in \(path). Run `modal profile list` to see available profiles, or `modal token new --profile ghost` to configure it.")
  }

  @Test func ambiguousProfilesAreReportedBeforeLookingForCredentials() async throws {
    let error = await #expect(throws: ModalError.self) { try await resolve("[a]\nactive = true\n[b]\nactive = true\n") }
    #expect(error?.code == .ambiguousProfile)
  }

  @Test func maskedSecretNeverShowsMoreThanTheLastFour() async {
    #expect(Credentials.mask("as-ABCDEFGHIJKLMNOP3f9Q") == "as-****3f9Q")
    #expect(Credentials.mask("short") == "****")
  }
}

@Suite struct ModalClientTests {
  @Test func twoClientsWithDifferentCredentialsLiveSideBySide() async throws {
    let folder = TemporaryFolder()
    folder.write("[a]\nactive = true\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nenvironment = \"dev\"\n[b]\ntoken_id = \"ak-b\"\ntoken_secret = \"as-b\"\nserver_url = \"http://127.0.0.1:1\"\n")
    let host = folder.host()
    let results = try await withThrowingTaskGroup(of: (String, String, String).self) { group in
      for index in 0..<200 {
        group.addTask {
          let client = try ModalClient(options: .init(profile: index.isMultiple(of: 2) ? "a" : "b", host: host))
          return ((try await client.credentials()).tokenID, (try await client.credentials()).tokenSecret, client.serverURL)
        }
      }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    #expect(results.filter { $0 == ("ak-a", "as-a", Setting.defaultServerURL) }.count == 100)
    #expect(results.filter { $0 == ("ak-b", "as-b", "http://127.0.0.1:1") }.count == 100)
  }

  @Test func optionsOverrideEverything() async throws {
    let folder = TemporaryFolder()
    folder.write("[a]\nactive = true\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nenvironment = \"dev\"\n")
    let client = try ModalClient(
      tokenID: "ak-x", tokenSecret: "as-x",
      options: .init(serverURL: "http://localhost:1", environment: "prod", host: folder.host(["MODAL_TOKEN_ID": "ak-e", "MODAL_TOKEN_SECRET": "as-e"])))
    #expect((try await client.credentials()).source == .arguments)
    #expect(client.serverURL == "http://localhost:1")
    #expect(client.environmentName == "prod")
    let fromFile = try ModalClient(options: .init(host: folder.host()))
    #expect(fromFile.environmentName == "dev")
  }

  @Test func configPathOptionOverridesTheEnvironment() async throws {
    let folder = TemporaryFolder()
    let other = folder.write("[x]\nactive = true\ntoken_id = \"ak-other\"\ntoken_secret = \"as-other\"\n", to: "other.toml")
    let client = try ModalClient(options: .init(configPath: other, host: folder.host(["MODAL_CONFIG_PATH": "/nonexistent"])))
    #expect((try await client.credentials()).tokenID == "ak-other")
  }

  @Test func nonASCIICredentialsAreALocalErrorNamingTheirSource() async throws {
    let folder = TemporaryFolder()
    let config = try ModalConfig(host: folder.host(["MODAL_TOKEN_ID": "ak-ü✓", "MODAL_TOKEN_SECRET": "as-zzzz12345"]))
    let error = await #expect(throws: ModalError.self) { try await CredentialResolver(config: config).resolve() }
    #expect(error?.code == .invalidCredentials)
    #expect(error?.message.hasPrefix("The token id from the MODAL_TOKEN_ID and MODAL_TOKEN_SECRET environment variables has a character that is not printable ASCII (character 4)") == true, "\(error?.message ?? "")")
    #expect(error?.description.contains("has a problem") == false)
    folder.write("[p]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\u{2019}\"\nactive = true\n")
    let fromFile = await #expect(throws: ModalError.self) { try await CredentialResolver(config: ModalConfig(host: folder.host())).resolve() }
    #expect(fromFile?.message.hasPrefix("The token secret from profile 'p' in ") == true, "\(fromFile?.message ?? "")")
    #expect(fromFile?.remedy == "Store the token again with `modal token set --profile p`, copying the values afresh.")
  }
}

/// A checksummed secret that was cut off or mistyped is caught before anything is sent; secrets of
/// other shapes (Modal's own, older modal-server ones) are passed on untouched.
@Suite struct DamagedSecretTests {
  static let secret = "as-zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ0mLq17"

  @Test(arguments: [
    (String(secret.dropLast(3)), "3 characters too short"), (secret + "Z", "1 character too many"),
    (String(secret.dropLast()) + "8", "a checksum of the 30 before them, do not match"),
  ])
  func damagedSecretsAreALocalErrorThatSaysWhatIsWrong(value: String, expected: String) async throws {
    let folder = TemporaryFolder()
    let config = try ModalConfig(host: folder.host(["MODAL_TOKEN_ID": "ak-1", "MODAL_TOKEN_SECRET": value]))
    let error = await #expect(throws: ModalError.self) { try await CredentialResolver(config: config).resolve() }
    #expect(error?.code == .invalidCredentials)
    #expect(error?.message.hasPrefix("The token secret from the MODAL_TOKEN_ID and MODAL_TOKEN_SECRET environment variables is damaged: ") == true)
    #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    #expect(error?.message.contains(String(value.dropFirst(3).prefix(8))) == false)
    #expect(error?.remedy?.contains("MODAL_TOKEN_SECRET again") == true)
  }

  @Test(arguments: [secret, "as-FAKESECRETSTRINGABCDEF", "as-" + String(repeating: "A", count: 24)])
  func wellFormedAndUncheckedSecretsPass(value: String) async throws {
    let folder = TemporaryFolder()
    let config = try ModalConfig(host: folder.host(["MODAL_TOKEN_ID": "ak-1", "MODAL_TOKEN_SECRET": value]))
    #expect(try await CredentialResolver(config: config).resolve().tokenSecret == value)
  }
}

/// Explicit credentials given as empty strings are refused, not replaced by the machine's own.
@Suite struct ExplicitCredentialsTests {
  @Test(arguments: [("", "as-x"), ("ak-x", ""), ("", "")])
  func emptyExplicitValuesAreRefused(id: String, secret: String) async throws {
    let folder = TemporaryFolder()
    folder.write("[main]\ntoken_id = \"ak-machine\"\ntoken_secret = \"as-machine-secret\"\nactive = true\n")
    do {
      let client = try ModalClient(tokenID: id, tokenSecret: secret, options: .init(host: folder.host()))
      Issue.record("created a client with \(client)")
    } catch {
      #expect(error.code == .missingCredentials)
      #expect(error.message.contains("passed to ModalClient(tokenID:tokenSecret:) is empty"), "\(error.message)")
    }
  }
}
