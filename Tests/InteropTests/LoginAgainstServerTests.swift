import Foundation
import Testing
import TestSupport

/// `modal setup`, `modal token new|rotate|list|revoke`, `modal secret …` and `modal environment
/// list` end to end: the built `modal` against a real `modal-server` on 127.0.0.1.
@Suite(.serialized) struct LoginAgainstServerTests {
  let folder = TemporaryFolder()

  /// The child's environment: a private home, no browser, the server's URL.
  func environment(_ server: ModalServerProcess, _ extra: [String: String] = [:]) -> [String: String] {
    ["PATH": "/usr/bin:/bin", "HOME": folder.path, "BROWSER": "/bin/false", "MODAL_SERVER_URL": server.url]
      .merging(extra) { $1 }
  }

  func modal(_ arguments: [String], _ environment: [String: String], stdin: String? = nil) throws -> ProcessOutput {
    try ProcessRunner.run(ProcessRunner.product("modal"), arguments, environment: environment, stdin: stdin)
  }

  /// Runs a login command, approves its code like a second device, and waits for it.
  func login(_ arguments: [String], _ server: ModalServerProcess, _ env: [String: String]) async throws -> (Int32?, ModalChild) {
    let child = try ModalChild(arguments, environment: env, in: folder)
    let code = try #require(await child.loginCode(), "no code printed: \(child.stdout) \(child.stderr)")
    let approval = try server.approve(code: code)
    #expect(approval.status == 0, "\(approval.stderr)")
    return (await child.exitStatus(), child)
  }

  @Test func setupWithoutABrowserPrintsTheURLAndCodeThenStoresAVerifiedToken() async throws {
    let server = try ModalServerProcess(in: folder)
    folder.write("# my settings\n")
    let (status, child) = try await login(["setup"], server, environment(server))
    #expect(status == 0, "\(child.stderr)")
    let code = try #require(child.stdout.firstMatch(of: /Enter this code: ([A-Z]{4}-[A-Z]{4})/)).1
    let webURL = try #require(child.stdout.firstMatch(of: /\n(http:\/\/127\.0\.0\.1:[0-9]+\/flow\/[A-Z-]+)\n/)).1
    #expect(webURL.hasSuffix("/flow/\(code)"))
    #expect(
      child.stdout == """
        Was not able to launch web browser
        Please go to this URL manually and complete the flow:

        \(webURL)

        Enter this code: \(code)

        Web authentication finished successfully!
        Token is connected to the me workspace.
        Verifying token against \(server.url)
        Token verified successfully!
        Token written to \(folder.path)/.modal.toml in profile me.

        """)
    #expect(!child.stdout.contains("\u{1B}"), "no colour or spinner when piped")
    let config = try #require(folder.read())
    #expect(config.hasPrefix("# my settings\n"))
    #expect(config.contains("[me]") && config.contains("active = true") && config.contains("server_url = \"\(server.url)\""))
    // setup passes next_url /home; the server logged the flow calls without credentials.
    #expect(server.logEventually(contains: "TokenFlowCreate") && server.logEventually(contains: "TokenFlowWait"))
    let info = try modal(["token", "info"], ["PATH": "/usr/bin:/bin", "HOME": folder.path])
    #expect(info.status == 0 && info.stdout.contains("Workspace: me"), "\(info.stderr)")
  }

  @Test(arguments: [(SIGINT, Int32(1), "Ctrl-C"), (SIGTERM, Int32(143), "SIGTERM"), (SIGHUP, Int32(129), "SIGHUP")])
  func aSignalStopsTheFlowCleanlyAndWritesNothing(signal: Int32, exitStatus: Int32, name: String) async throws {
    let server = try ModalServerProcess(in: folder)
    let before = "# untouched\n[other]\ntoken_id = \"ak-x\"\ntoken_secret = \"as-y\"\nactive = true\n"
    folder.write(before)
    let child = try ModalChild(["token", "new"], environment: environment(server), in: folder)
    #expect(await child.loginCode() != nil)
    try await Task.sleep(for: .milliseconds(300))
    child.signal(signal)
    let status = await child.exitStatus(timeout: 30)
    #expect(status == exitStatus)
    #expect(child.stderr.contains("Aborted! The login was cancelled (\(name)); no token was stored and the config file was not changed."))
    #expect(folder.read() == before)
  }

  /// The server dies while the client long-polls: the error says it may have stopped, not that
  /// the URL's scheme could be wrong (the connection worked until then), and nothing is written.
  @Test func aServerThatDiesDuringTheWaitIsNamedAsSuch() async throws {
    let server = try ModalServerProcess(in: folder)
    let child = try ModalChild(["token", "new"], environment: environment(server), in: folder)
    #expect(await child.loginCode() != nil)
    try await Task.sleep(for: .milliseconds(300))
    server.stop()
    let status = await child.exitStatus(timeout: 60)
    #expect(status == 1)
    #expect(child.stderr.contains("it may have stopped or restarted"), "\(child.stderr)")
    #expect(folder.read() == nil)
  }

  /// The flow is expired in the server's store while the client long-polls; the server says so
  /// when the parked call ends (up to the 40 s request timeout), and the client stops.
  @Test func expiredFlowEndsTheLoginWithTheServersMessage() async throws {
    let server = try ModalServerProcess(in: folder)
    let child = try ModalChild(["token", "new"], environment: environment(server), in: folder)
    #expect(await child.loginCode() != nil)
    let database = server.dataDirectory + "/modal-server.sqlite3"
    let update = try ProcessRunner.run(
      "/usr/bin/python3",
      ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1], timeout=10); c.execute('UPDATE token_flows SET expires_at = 1'); c.commit()", database],
      environment: ["PATH": "/usr/bin:/bin"])
    #expect(update.status == 0, "\(update.stderr)")
    let status = await child.exitStatus(timeout: 120)
    #expect(status == 1)
    #expect(child.stderr.hasPrefix("Error: ") && child.stderr.contains("Run `modal token new` again."), "\(child.stderr)")
    #expect(child.stderr.contains("run `modal token new` (or `modal setup`) again"))
    #expect(folder.read() == nil)
  }

  @Test func invalidExpiresInIsAUsageErrorWithPythonsText() throws {
    let server = try ModalServerProcess(in: folder)
    for (value, reason) in [
      ("0", "Expected a duration such as 30m, 12h, or 7d."), ("abc", "Expected a duration such as 30m, 12h, or 7d."),
      ("0s", "Duration must be positive."), ("99999999d", "Duration is too large."),
    ] {
      let result = try modal(["token", "new", "--expires-in", value], environment(server))
      #expect(result.status == 2)
      #expect(result.stderr.hasSuffix("Error: Invalid value for --expires-in: \(reason)\n"), "\(result.stderr)")
    }
  }

  /// Stores the server's bootstrap token in profile `me` with `modal token set`.
  private func storeBootstrapToken(_ server: ModalServerProcess) throws {
    let set = try modal(
      ["token", "set", "--token-id", server.tokenID, "--token-secret", "-", "--profile", "me"], environment(server),
      stdin: server.tokenSecret + "\n")
    #expect(set.status == 0, "\(set.stderr)")
  }

  @Test func rotateRevokesThePredecessorOnlyAfterTheNewTokenWorks() async throws {
    let server = try ModalServerProcess(in: folder)
    try storeBootstrapToken(server)
    let (status, child) = try await login(["token", "rotate", "--expires-in", "7d"], server, environment(server))
    #expect(status == 0, "\(child.stderr)")
    #expect(child.stdout.contains("Token written to \(folder.path)/.modal.toml in profile me.\nPrevious token in profile me has been deleted.\n"))
    let config = try #require(folder.read())
    #expect(!config.contains(server.tokenID))
    let old = try modal(
      ["token", "info"],
      ["PATH": "/usr/bin:/bin", "HOME": folder.path, "MODAL_SERVER_URL": server.url, "MODAL_TOKEN_ID": server.tokenID,
        "MODAL_TOKEN_SECRET": server.tokenSecret])
    #expect(old.status == 1 && old.stderr.contains("was revoked"), "\(old.stderr)")
    #expect(!old.stderr.contains(server.tokenSecret))
    let current = try modal(["token", "info"], ["PATH": "/usr/bin:/bin", "HOME": folder.path])
    #expect(current.status == 0 && current.stdout.contains("Expires at: "), "\(current.stderr)")
  }

  /// Ctrl-C once the new token is being written no longer claims that nothing changed, and the
  /// replaced token is still revoked (it stayed live, unannounced). The test holds the config
  /// file's lock so that the signal lands between verification and the write.
  @Test func ctrlCAfterTheNewTokenIsVerifiedFinishesTheRotation() async throws {
    let server = try ModalServerProcess(in: folder)
    try storeBootstrapToken(server)
    let lock = open(folder.path + "/.modal.toml.lock", O_RDWR | O_CREAT, 0o600)
    #expect(lock >= 0 && flock(lock, LOCK_EX) == 0)
    let child = try ModalChild(["token", "rotate"], environment: environment(server), in: folder)
    let code = try #require(await child.loginCode())
    #expect(try server.approve(code: code).status == 0)
    let verified = Date().addingTimeInterval(30)
    while !child.stdout.contains("Token verified successfully!") && Date() < verified {
      try await Task.sleep(for: .milliseconds(50))
    }
    child.signal(SIGINT)
    try await Task.sleep(for: .milliseconds(300))
    flock(lock, LOCK_UN)
    close(lock)
    let status = await child.exitStatus(timeout: 30)
    #expect(status == 0, "\(child.stderr)")
    #expect(!child.stderr.contains("Aborted"), "\(child.stderr)")
    #expect(child.stdout.contains("in profile me.\nPrevious token in profile me has been deleted.\n"), "\(child.stdout)")
    let old = try modal(
      ["token", "info"],
      ["PATH": "/usr/bin:/bin", "HOME": folder.path, "MODAL_SERVER_URL": server.url, "MODAL_TOKEN_ID": server.tokenID,
        "MODAL_TOKEN_SECRET": server.tokenSecret])
    #expect(old.status == 1 && old.stderr.contains("was revoked"), "\(old.stderr)")
  }

  @Test func tokenListAndRevoke() async throws {
    let server = try ModalServerProcess(in: folder)
    let extra = try server.run(["token", "create", "--workspace", "me", "--name", "ci", "--json"])
    let extraID = try #require(extra.stdout.firstMatch(of: /"token_id"\s*:\s*"(ak-[A-Za-z0-9]+)"/)).1
    let env = environment(server, ["MODAL_TOKEN_ID": server.tokenID, "MODAL_TOKEN_SECRET": server.tokenSecret])
    let list = try modal(["token", "list", "--json"], env)
    #expect(list.status == 0, "\(list.stderr)")
    #expect(list.stdout.contains("\"token_id\": \"\(server.tokenID)\"") && list.stdout.contains("\"token_id\": \"\(extraID)\""))
    #expect(list.stdout.contains("\"current\": true") && !list.stdout.contains(server.tokenSecret))
    let table = try modal(["token", "list"], env)
    #expect(table.stdout.contains("Token ID") && table.stdout.contains("ci"))

    let refused = try modal(["token", "revoke"], env)
    #expect(refused.status == 1)
    #expect(refused.stderr == "Aborted: no interactive terminal detected. Rerun with --yes (-y) to skip confirmation.\n")
    let revoked = try modal(["token", "revoke", String(extraID), "--yes", "--json"], env)
    #expect(revoked.status == 0, "\(revoked.stderr)")
    #expect(revoked.stdout.contains("\"revoked\": true"))
    let extraSecret = try #require(extra.stdout.firstMatch(of: /"token_secret"\s*:\s*"(as-[A-Za-z0-9]+)"/)).1
    let rejected = try modal(
      ["token", "info"], environment(server, ["MODAL_TOKEN_ID": String(extraID), "MODAL_TOKEN_SECRET": String(extraSecret)]))
    #expect(rejected.status == 1 && rejected.stderr.contains("was revoked"), "\(rejected.stderr)")
    let self_ = try modal(["token", "revoke", "-y"], env)
    #expect(self_.status == 0 && self_.stdout.contains("It was the token in use"), "\(self_.stderr)")
    let gone = try modal(["token", "list"], env)
    #expect(gone.status == 1 && gone.stderr.contains("was revoked"))
  }

  @Test func workspaceAuditLogShowsChangesAndFilters() throws {
    let server = try ModalServerProcess(in: folder)
    let env = environment(server, ["MODAL_TOKEN_ID": server.tokenID, "MODAL_TOKEN_SECRET": server.tokenSecret])
    let created = try modal(["secret", "create", "audited", "KEY=-"], env, stdin: "super-secret-value\n")
    #expect(created.status == 0, "\(created.stderr)")
    let json = try modal(["workspace", "audit-log", "--json"], env)
    #expect(json.status == 0, "\(json.stderr)")
    #expect(json.stdout.contains("\"action\": \"secret.created\"") && json.stdout.contains("\"name\": \"audited\""))
    #expect(!json.stdout.contains("super-secret-value") && !json.stdout.contains(server.tokenSecret))
    let table = try modal(["workspace", "audit-log", "--since", "1h"], env)
    #expect(table.status == 0 && table.stdout.contains("secret.created") && table.stdout.contains("audited"), "\(table.stderr)")
    let filtered = try modal(["workspace", "audit-log", "--action", "token.*", "--json"], env)
    #expect(filtered.status == 0 && filtered.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    let bad = try modal(["workspace", "audit-log", "--since", "yesterday"], env)
    #expect(bad.status == 2 && bad.stderr.contains("Invalid value for --since"))
  }

  @Test func secretsAndEnvironments() throws {
    let server = try ModalServerProcess(in: folder)
    let env = environment(server, ["MODAL_TOKEN_ID": server.tokenID, "MODAL_TOKEN_SECRET": server.tokenSecret])
    let environments = try modal(["environment", "list", "--json"], env)
    #expect(environments.stdout == "[\n  {\n    \"name\": \"main\",\n    \"web suffix\": \"\",\n    \"active\": true\n  }\n]\n", "\(environments.stderr)")

    let refused = try modal(["secret", "create", "db", "PASSWORD=hunter2"], env)
    #expect(refused.status == 2 && refused.stderr.contains("Refusing to read the value of PASSWORD from the command line"))
    #expect(try modal(["secret", "list", "--json"], env).stdout == "[]\n")

    let dotenv = folder.write("# comment\nexport USER=admin\nHOST=\"db.local\"\n", to: "db.env")
    let json = folder.write("{\"PORT\": \"5432\"}", to: "db.json")
    let created = try modal(
      ["secret", "create", "db", "PASSWORD=-", "--from-dotenv", dotenv, "--from-json", json], env, stdin: "hunter2\n")
    #expect(created.status == 0, "\(created.stderr)")
    #expect(created.stdout.hasPrefix("Created a new secret 'db' with the keys 'USER', 'HOST', 'PORT', 'PASSWORD'\n"))
    #expect(!created.stdout.contains("hunter2") && !created.stderr.contains("hunter2"))
    let again = try modal(["secret", "create", "db", "--from-json", json], env)
    #expect(again.status == 1 && again.stderr.hasPrefix("Error: "))
    #expect(try modal(["secret", "create", "db", "--from-json", json, "--force"], env).status == 0)

    let bad = try modal(["secret", "create", "bad name", "--from-json", json], env)
    #expect(bad.stderr.contains("Error: Invalid Secret name: 'bad name'.\n\nNames may contain only alphanumeric characters"))

    let table = try modal(["secret", "list", "-e", "main"], env)
    #expect(table.stdout.contains("Secrets in environment 'main'") && table.stdout.contains("db") && table.stdout.contains("me@example.com"))
    let noTTY = try modal(["secret", "delete", "db"], env)
    #expect(noTTY.status == 1 && noTTY.stderr == "Aborted: no interactive terminal detected. Rerun with --yes (-y) to skip confirmation.\n")
    #expect(try modal(["secret", "delete", "db", "-y"], env).status == 0)
    let missing = try modal(["secret", "delete", "db", "-y"], env)
    #expect(missing.status == 1)
    #expect(try modal(["secret", "delete", "db", "-y", "--allow-missing"], env).status == 0)
  }

  @Test func secretListPagesAsPythonDoes() throws {
    let server = try ModalServerProcess(in: folder)
    let env = environment(server, ["MODAL_TOKEN_ID": server.tokenID, "MODAL_TOKEN_SECRET": server.tokenSecret])
    let json = folder.write("{\"K\": \"v\"}", to: "k.json")
    for index in 0..<105 {
      let result = try modal(["secret", "create", "s\(index)", "--from-json", json], env)
      #expect(result.status == 0)
    }
    let list = try modal(["secret", "list", "--json"], env)
    #expect(list.stdout.components(separatedBy: "\"Name\":").count - 1 == 105)
    let twoPages = server.logEventually { $0.components(separatedBy: "SecretList").count - 1 == 2 }
    #expect(twoPages, "\(server.log.components(separatedBy: "SecretList").count - 1) SecretList calls")
  }
}
