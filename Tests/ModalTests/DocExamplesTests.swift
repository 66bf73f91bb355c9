import Modal
import Testing

// The examples of README.md ("Using the SDK") and docs/sdk.md, line for line, so that a change
// of the API that breaks them breaks the build. They are compiled, not run (they would need a
// server and the machine's credentials); ResourceServerTests runs the same calls for real.

/// README.md, "Using the SDK".
func readmeExample() async throws {
  let client = try ModalClient()
  print(try await client.credentials().source)   // e.g. "profile 'alice-ws' in /home/alice/.modal.toml"

  let other = try ModalClient(tokenID: "ak-…", tokenSecret: "as-…",
                              options: .init(serverURL: "http://127.0.0.1:50051"))
  let warnings = try await other.hello()         // verifies the credentials

  let ci = try ModalClient(credentialProvider: .chain([.environment, .profile("ci")]))

  let info = try await client.tokens.info()
  print(info.workspaceName, info.expiresAt?.description ?? "no expiry")
  _ = try await client.secrets.create("db", values: ["PASSWORD": "…"], ifExists: .overwrite)
  for try await secret in client.secrets.list() { print(secret.name, secret.keys) }
  for environment in try await client.environments.list() { print(environment.name) }

  let host = HostEnvironment(variables: ["MODAL_PROFILE": "work"], homeDirectory: "/tmp/home")
  let config = try ModalConfig(host: host)
  _ = (warnings, ci, config)
}

private func lookUpInKeychain() -> (String, String)? { nil }

/// docs/sdk.md, "Credential providers".
struct KeychainProvider: CredentialProvider {
  func credentials(context: CredentialContext) async throws(ModalError) -> Credentials {
    guard let (id, secret) = lookUpInKeychain() else { throw .noCredentials("Keychain: no item for modal") }
    return Credentials(tokenID: id, tokenSecret: secret, source: .named("the Keychain"))
  }
}

func providersExample() async throws {
  let client = try ModalClient(credentialProvider: .chain([.environment, .custom(KeychainProvider()), .profile()]))
  print(try await client.credentials().source)   // which provider answered
  let fromCI = try ModalClient(credentialProvider: .chain([.environment, .profile("ci")]))
  let credentials = try await client.credentials()                    // resolved now, then kept
  _ = (fromCI, credentials)
}

/// docs/sdk.md, "Resources".
func resourcesExample(client: ModalClient) async throws {
  let info = try await client.tokens.info()              // TokenInfo: id, workspace, identity, expiry
  for token in try await client.tokens.list() where token.name == "old-ci" {
    try await client.tokens.revoke(token.id)
  }

  let secret = try await client.secrets.create("db", values: ["PASSWORD": "…"], ifExists: .overwrite)
  let same = try await client.secrets.fromName("db")     // Secret: id, name, keys, created, last used
  for try await item in client.secrets.list(environment: "main") { print(item.name, item.keys) }
  try await client.secrets.delete("db")

  for member in try await client.workspace.members.list() { print(member.email, member.role, member.lastActiveAt?.description ?? "never") }
  try await client.workspace.settings.set("default-environment", to: "dev")   // manager or owner

  try await client.environments.create("staging")
  let stage = try await client.environments.update("staging", newName: "stage", webSuffix: "stg")
  let all = try await client.environments.list()         // [Environment]: name, id, webSuffix, isDefault
  try await client.environments.delete("stage")
  _ = (info, secret, same, stage, all)
}

@Suite struct DocExamplesTests {
  @Test func theExamplesCompileAndAKeychainWithNothingLetsTheChainGoOn() async throws {
    let provider = AnyCredentialProvider.chain([.custom(KeychainProvider())])
    let error = await #expect(throws: ModalError.self) {
      try await provider.credentials(context: CredentialContext(config: ModalConfig(host: HostEnvironment(variables: [:], homeDirectory: "/nonexistent"))))
    }
    #expect(error?.message.hasSuffix("1. Keychain: no item for modal") == true)
  }
}
