import Foundation
import Modal
import ModalCLI
import Synchronization
import TestSupport
import Testing

/// A keyring in memory, or one that is unavailable, standing in for the Secret Service.
final class FakeKeyring: SecretStore {
  let name = "the fake keyring"
  let available: Bool
  let items = Mutex<[SecretStoreKey: String]>([:])

  init(available: Bool = true) { self.available = available }

  private func check() throws(ModalError) {
    guard available else { throw ModalError(.secretStoreUnavailable, "The fake keyring is locked.", remedy: "Unlock it.") }
  }
  func store(_ secret: String, tokenID: String, for key: SecretStoreKey) throws(ModalError) {
    try check()
    items.withLock { $0[key] = secret }
  }
  func secret(for key: SecretStoreKey) throws(ModalError) -> String? {
    try check()
    return items.withLock { $0[key] }
  }
  func erase(_ key: SecretStoreKey) throws(ModalError) {
    try check()
    _ = items.withLock { $0.removeValue(forKey: key) }
  }
}

/// `--secret-storage keyring|helper:NAME|file`: the secret goes to the store, the profile names
/// the store, the SDK reads it back; an unavailable store never falls back to plain text silently.
@Suite struct SecretStorageTests {
  static let secret = "as-KEPTOFFDISK0000000000"

  func run(_ arguments: [String], folder: TemporaryFolder, keyring: FakeKeyring, variables: [String: String] = [:], console: CapturedConsole = CapturedConsole()) async -> (code: Int32, out: String, err: String) {
    var host = folder.host(variables)
    host.keyring = keyring
    let code = await ModalCommandLine(host: host, console: console).run(arguments)
    return (code, console.stdout, console.stderr)
  }

  func resolved(_ folder: TemporaryFolder, keyring: FakeKeyring, variables: [String: String] = [:], profile: String) async throws -> Credentials? {
    var host = folder.host(variables)
    host.keyring = keyring
    return try await CredentialResolver(config: try ModalConfig(host: host, profile: profile)).profileCredentials(profile)
  }

  @Test func keyringKeepsTheSecretOutOfTheFile() async throws {
    let folder = TemporaryFolder()
    let keyring = FakeKeyring()
    let result = await run(
      ["token", "set", "--token-id", "ak-1", "--token-secret", Self.secret, "--profile", "work", "--no-verify", "--secret-storage", "keyring"],
      folder: folder, keyring: keyring)
    #expect(result.code == 0, "\(result.err)")
    #expect(result.out.contains("its secret in the keyring"))
    #expect(folder.read() == "[work]\ntoken_id = \"ak-1\"\ntoken_secret_storage = \"keyring\"\nactive = true\n")
    #expect(keyring.items.withLock { $0[SecretStoreKey(profile: "work", serverURL: Setting.defaultServerURL)] } == Self.secret)
    let credentials = try await resolved(folder, keyring: keyring, profile: "work")
    #expect(credentials?.tokenSecret == Self.secret)
    #expect(credentials?.source == .profileStore(name: "work", path: folder.path + "/.modal.toml", storage: .keyring))
  }

  @Test func exportPrintsThePairForToolsThatCannotReadTheStore() async throws {
    let folder = TemporaryFolder()
    let keyring = FakeKeyring()
    let set = ["token", "set", "--token-id", "ak-1", "--token-secret", Self.secret, "--profile", "work", "--no-verify", "--secret-storage", "keyring"]
    #expect(await run(set, folder: folder, keyring: keyring).code == 0)
    let lines = await run(["token", "export", "--profile", "work"], folder: folder, keyring: keyring)
    #expect(lines.code == 0, "\(lines.err)")
    #expect(lines.out == "MODAL_TOKEN_ID=ak-1\nMODAL_TOKEN_SECRET=\(Self.secret)\n")
    #expect(lines.err.isEmpty)
    let shell = await run(["token", "export", "--shell", "--profile", "work"], folder: folder, keyring: keyring)
    #expect(shell.out == "export MODAL_TOKEN_ID=ak-1\nexport MODAL_TOKEN_SECRET=\(Self.secret)\n")
    let list = await run(["profile", "list", "--json"], folder: folder, keyring: keyring)
    #expect(list.out.contains("\"secret_storage\": \"keyring\""), "\(list.out)")
    let doctor = await run(["doctor", "--json", "--profile", "work"], folder: folder, keyring: keyring, variables: ["MODAL_SERVER_URL": "http://127.0.0.1:1"])
    #expect(doctor.out.contains("is kept in keyring; the Python client cannot read it"), "\(doctor.out)")
    #expect(!doctor.out.contains(Self.secret))
    let show = await run(["config", "show", "--profile", "work"], folder: folder, keyring: keyring)
    #expect(show.err.contains("modal token export --profile work"))
    let missing = await run(["token", "export", "--profile", "nope"], folder: folder, keyring: keyring)
    #expect(missing.code != 0 && missing.out.isEmpty)
  }

  @Test func exportSpeaksJSONAndTheCredentialProcessShape() async throws {
    let folder = TemporaryFolder()
    let keyring = FakeKeyring()
    let set = ["token", "set", "--token-id", "ak-1", "--token-secret", Self.secret, "--profile", "work", "--no-verify", "--secret-storage", "keyring"]
    #expect(await run(set, folder: folder, keyring: keyring).code == 0)
    let json = await run(["token", "export", "--format", "json", "--profile", "work"], folder: folder, keyring: keyring)
    #expect(json.code == 0 && json.out == "{\n  \"token_id\": \"ak-1\",\n  \"token_secret\": \"\(Self.secret)\",\n  \"profile\": \"work\"\n}\n", "\(json.out)\(json.err)")
    let process = await run(["token", "export", "--format", "credential-process", "--profile", "work"], folder: folder, keyring: keyring)
    #expect(process.code == 0 && process.out == "{\"Version\":1,\"TokenId\":\"ak-1\",\"TokenSecret\":\"\(Self.secret)\"}\n", "\(process.out)")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(process.out.utf8)) as? [String: Any])
    #expect(document["Version"] as? Int == 1 && document["TokenSecret"] as? String == Self.secret && document["Expiration"] == nil)
    let env = await run(["token", "export", "--format", "env", "--profile", "work"], folder: folder, keyring: keyring)
    #expect(env.out == "MODAL_TOKEN_ID=ak-1\nMODAL_TOKEN_SECRET=\(Self.secret)\n")
    // Usage mistakes: an unknown shape, --shell with a shape that has no shell form; nothing printed.
    for arguments in [["--format", "yaml"], ["--format", "json", "--shell"]] {
      let refused = await run(["token", "export", "--profile", "work"] + arguments, folder: folder, keyring: keyring)
      #expect(refused.code == 2 && refused.out.isEmpty && !refused.err.contains(Self.secret), "\(arguments): \(refused.err)")
    }
  }

  @Test func migrateMovesSecretsAndBack() async throws {
    let folder = TemporaryFolder()
    let keyring = FakeKeyring()
    folder.write("# mine\n[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"\(Self.secret)\"\nactive = true\n\n[b]\ntoken_id = \"ak-b\"\ntoken_secret_command = \"echo as-b\"\n")
    let moved = await run(["token", "migrate", "--all"], folder: folder, keyring: keyring)
    #expect(moved.code == 0, "\(moved.err)")
    #expect(moved.out == "Profile 'a': secret moved from the config file to the keyring.\nProfile 'b': left alone (its secret comes from token_secret_command).\n")
    #expect(folder.read() == "# mine\n[a]\ntoken_id = \"ak-a\"\nactive = true\ntoken_secret_storage = \"keyring\"\n\n[b]\ntoken_id = \"ak-b\"\ntoken_secret_command = \"echo as-b\"\n")
    #expect(try await resolved(folder, keyring: keyring, profile: "a")?.tokenSecret == Self.secret)
    // A store that cannot be reached: the profile is left as it was.
    let failed = await run(["token", "migrate", "--profile", "a", "--to", "helper:absent"], folder: folder, keyring: keyring, variables: ["PATH": folder.path])
    #expect(failed.code == 1 && failed.err.contains("modal-credential-absent is not on PATH"), "\(failed.err)")
    #expect(folder.read()?.contains("token_secret_storage = \"keyring\"") == true)
    let back = await run(["token", "migrate", "--profile", "a", "--to", "file"], folder: folder, keyring: keyring)
    #expect(back.code == 0, "\(back.err)")
    #expect(folder.read()?.contains("token_secret = \"\(Self.secret)\"") == true)
    #expect(keyring.items.withLock { $0.isEmpty })
  }

  @Test func environmentVariableChoosesTheStoreAndFileMovesItBack() async throws {
    let folder = TemporaryFolder()
    let keyring = FakeKeyring()
    let base = ["token", "set", "--token-id", "ak-1", "--token-secret", Self.secret, "--profile", "w", "--no-verify"]
    #expect(await run(base, folder: folder, keyring: keyring, variables: ["MODAL_SECRET_STORAGE": "keyring"]).code == 0)
    #expect(folder.read()?.contains("token_secret_storage = \"keyring\"") == true)
    // Without an option the profile keeps its storage; --insecure-storage puts it back in the file.
    #expect(await run(base, folder: folder, keyring: keyring).code == 0)
    #expect(folder.read()?.contains(Self.secret) == false)
    #expect(await run(base + ["--insecure-storage"], folder: folder, keyring: keyring).code == 0)
    #expect(folder.read() == "[w]\ntoken_id = \"ak-1\"\nactive = true\ntoken_secret = \"\(Self.secret)\"\n")
  }

  @Test func unavailableStoreWithoutTerminalFailsAndWritesNothing() async throws {
    let folder = TemporaryFolder()
    let result = await run(
      ["token", "set", "--token-id", "ak-1", "--token-secret", Self.secret, "--profile", "w", "--no-verify", "--secret-storage", "keyring"],
      folder: folder, keyring: FakeKeyring(available: false))
    #expect(result.code != 0)
    #expect(result.err.contains("The fake keyring is locked.") && result.err.contains("--insecure-storage"), "\(result.err)")
    #expect(folder.read() == nil)
    #expect(!result.err.contains(Self.secret) && !result.out.contains(Self.secret))
  }

  @Test func unavailableStoreAtATerminalAsksBeforePlainText() async throws {
    let folder = TemporaryFolder()
    let arguments = ["token", "set", "--token-id", "ak-1", "--token-secret", Self.secret, "--profile", "w", "--no-verify", "--secret-storage", "keyring"]
    let refused = await run(arguments, folder: folder, keyring: FakeKeyring(available: false), console: CapturedConsole(lines: ["n"], terminal: true))
    #expect(refused.code != 0)
    #expect(folder.read() == nil)
    let agreed = await run(arguments, folder: folder, keyring: FakeKeyring(available: false), console: CapturedConsole(lines: ["y"], terminal: true))
    #expect(agreed.code == 0, "\(agreed.err)")
    #expect(agreed.out.contains("in plain text"))
    #expect(folder.read()?.contains("token_secret = \"\(Self.secret)\"") == true)
  }

  @Test func credentialHelperStoresAndGivesBackTheSecret() async throws {
    let folder = TemporaryFolder()
    let bin = folder.path + "/bin"
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    let script = """
      #!/bin/bash
      case "$1" in
        store) cat > "$HELPER_DIR/stored.json" ;;
        get) cat > "$HELPER_DIR/asked"; if [ -f "$HELPER_DIR/stored.json" ]; then cat "$HELPER_DIR/stored.json"; else echo "credentials not found in native keychain"; exit 1; fi ;;
        erase) rm -f "$HELPER_DIR/stored.json" ;;
        *) echo "unknown verb $1" >&2; exit 2 ;;
      esac
      """
    let helper = folder.write(script, to: "bin/modal-credential-test")
    chmod(helper, 0o755)
    let variables = ["PATH": bin + ":/usr/bin:/bin", "HELPER_DIR": folder.path]
    let result = await run(
      ["token", "set", "--token-id", "ak-1", "--token-secret", Self.secret, "--profile", "w", "--no-verify", "--secret-storage", "helper:test"],
      folder: folder, keyring: FakeKeyring(), variables: variables)
    #expect(result.code == 0, "\(result.err)")
    #expect(folder.read() == "[w]\ntoken_id = \"ak-1\"\ntoken_secret_storage = \"helper:test\"\nactive = true\n")
    #expect(folder.read("stored.json") == "{\"ServerURL\":\"modal:w@\(Setting.defaultServerURL)\",\"Username\":\"ak-1\",\"Secret\":\"\(Self.secret)\"}")
    let credentials = try await resolved(folder, keyring: FakeKeyring(), variables: variables, profile: "w")
    #expect(credentials?.tokenSecret == Self.secret)
    #expect(folder.read("asked") == "modal:w@\(Setting.defaultServerURL)")
  }

  @Test func missingHelperIsNamedAndNothingIsWritten() async throws {
    let folder = TemporaryFolder()
    let result = await run(
      ["token", "set", "--token-id", "ak-1", "--token-secret", Self.secret, "--profile", "w", "--no-verify", "--secret-storage", "helper:absent"],
      folder: folder, keyring: FakeKeyring(), variables: ["PATH": folder.path])
    #expect(result.code != 0)
    #expect(result.err.contains("modal-credential-absent is not on PATH"), "\(result.err)")
    #expect(folder.read() == nil)
  }

  @Test func failingHelperShowsItsErrorsWithoutTheSecret() async throws {
    let folder = TemporaryFolder()
    folder.write("[w]\ntoken_id = \"ak-1\"\ntoken_secret_storage = \"helper:broken\"\n")
    let bin = folder.path + "/bin"
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    let helper = folder.write("#!/bin/bash\necho 'vault sealed' >&2\nexit 3\n", to: "bin/modal-credential-broken")
    chmod(helper, 0o755)
    await #expect(throws: ModalError.self) {
      _ = try await resolved(folder, keyring: FakeKeyring(), variables: ["PATH": bin + ":/usr/bin:/bin"], profile: "w")
    }
    do {
      _ = try await resolved(folder, keyring: FakeKeyring(), variables: ["PATH": bin + ":/usr/bin:/bin"], profile: "w")
    } catch let error as ModalError {
      #expect(error.message.contains("modal-credential-broken get failed with exit status 3") && error.message.contains("vault sealed"), "\(error.message)")
    }
  }

  @Test func emptyStoreAndBadStorageValueAreExplained() async throws {
    let folder = TemporaryFolder()
    folder.write("[w]\ntoken_id = \"ak-1\"\ntoken_secret_storage = \"keyring\"\n")
    do {
      _ = try await resolved(folder, keyring: FakeKeyring(), profile: "w")
      Issue.record("an empty keyring gave credentials")
    } catch let error as ModalError {
      #expect(error.message.contains("keeps its secret in the keyring, which has none for it"), "\(error.message)")
      #expect(error.remedy?.contains("--secret-storage keyring") == true)
    }
    folder.write("[w]\ntoken_id = \"ak-1\"\ntoken_secret_storage = \"vault\"\n")
    do {
      _ = try await resolved(folder, keyring: FakeKeyring(), profile: "w")
      Issue.record("a bad storage value gave credentials")
    } catch let error as ModalError {
      #expect(error.message.contains("'vault' is not a place to keep a token secret"), "\(error.message)")
    }
  }
}
