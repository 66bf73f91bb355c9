import Foundation
import ModalServer
import Testing
import TestSupport

/// The real Python `modal==1.6.4` CLI against a real `modal-server serve`.
@Suite(.serialized) struct PythonInteropTests {
  /// The reference CLI; records a failure (the tests must not skip) when the venv is missing.
  private func modal() -> String? {
    switch ReferenceClient.executable() {
    case .success(let path): return path
    case .failure(let missing):
      Issue.record("\(missing)")
      return nil
    }
  }

  /// One server, or several replicas over PostgreSQL; with replicas every client call and every
  /// server command goes to the next replica in turn, so each step crosses replicas.
  private final class Scenario {
    let folder = TemporaryFolder()
    let servers: [ModalServerProcess]
    let replicaSet: ReplicaSet?
    let owner: Credentials
    let configPath: String
    private var turn = 0

    init(replicas: Int) throws {
      if replicas == 1 {
        let (server, owner) = try startBootstrappedServer(in: folder)
        (servers, replicaSet, self.owner) = ([server], nil, owner)
      } else {
        let set = try ReplicaSet(count: replicas)
        servers = set.replicas
        owner = set.owner
        replicaSet = set
      }
      configPath = folder.write(
        """
        [pyws]
        token_id = "\(owner.id)"
        token_secret = "\(owner.secret)"
        server_url = "\(servers[0].url)"
        active = true

        """, to: "modal.toml")
    }

    /// The index of the replica the next step goes to.
    func nextIndex() -> Int {
      defer { turn += 1 }
      return turn % servers.count
    }

    /// A client environment pointing at `server`.
    func environment(for server: ModalServerProcess) -> [String: String] {
      [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path,
        "MODAL_SERVER_URL": server.url, "MODAL_CONFIG_PATH": configPath, "BROWSER": "/bin/false", "COLUMNS": "400",
        "TERM": "dumb", "NO_COLOR": "1",
      ]
    }

    func run(_ modal: String, _ arguments: [String], token: Credentials? = nil) throws -> ProcessOutput {
      var environment = self.environment(for: servers[nextIndex()])
      if let token {
        environment["MODAL_TOKEN_ID"] = token.id
        environment["MODAL_TOKEN_SECRET"] = token.secret
      }
      return try ProcessRunner.run(modal, arguments, environment: environment)
    }

    /// Runs a `modal-server` command on the next replica's machine.
    func serverCommand(_ arguments: [String]) throws -> ProcessOutput {
      if let replicaSet { return try replicaSet.command(arguments, on: nextIndex()) }
      return try runServerCommand(arguments + ["--data-dir", servers[0].dataDirectory])
    }

    func createToken(_ extra: [String]) throws -> Credentials {
      let result = try serverCommand(["token", "create", "--workspace", "pyws", "--json"] + extra)
      guard result.status == 0 else { throw ServerError(.internal, "token create failed: \(result.stderr)") }
      return try bootstrapCredentials(result.stdout)
    }

    /// Every server's log.
    var logs: String { servers.map(\.log).joined(separator: "\n") }

    func stop() { for server in servers { server.stop(.terminate) } }
  }

  @Test(arguments: [1, 3]) func tokenInfoProfilesSecretsAndEnvironments(replicas: Int) throws {
    guard let modal = modal() else { return }
    let scenario = try Scenario(replicas: replicas)
    defer { scenario.stop() }

    let info = try scenario.run(modal, ["token", "info"])
    #expect(info.status == 0, "\(info.stderr)")
    #expect(info.stdout.contains("Token: \(scenario.owner.id)"))
    #expect(info.stdout.contains("Workspace: pyws (ac-"))
    #expect(info.stdout.contains("User: py@example.com (us-"))

    let profiles = try scenario.run(modal, ["profile", "list", "--json"])
    #expect(profiles.status == 0, "\(profiles.stderr)")
    #expect(profiles.stdout.contains("\"workspace\": \"pyws\""))

    let create = try scenario.run(modal, ["secret", "create", "interop-secret", "KEY=value", "OTHER=2"])
    #expect(create.status == 0, "\(create.stderr)")
    #expect(create.stdout.contains("Created a new secret 'interop-secret' with the keys 'KEY', 'OTHER'"))
    let duplicate = try scenario.run(modal, ["secret", "create", "interop-secret", "KEY=value"])
    #expect(duplicate.status == 1)
    #expect(duplicate.stderr.contains("already exists"))
    let list = try scenario.run(modal, ["secret", "list", "--json"])
    #expect(list.status == 0, "\(list.stderr)")
    #expect(list.stdout.contains("interop-secret") && list.stdout.contains("py@example.com"))
    let delete = try scenario.run(modal, ["secret", "delete", "interop-secret", "--yes"])
    #expect(delete.status == 0, "\(delete.stderr)")
    let empty = try scenario.run(modal, ["secret", "list", "--json"])
    #expect(empty.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")

    let environments = try scenario.run(modal, ["environment", "list", "--json"])
    #expect(environments.status == 0, "\(environments.stderr)")
    #expect(environments.stdout.contains("\"name\": \"main\""))
    #expect(!scenario.logs.contains(scenario.owner.secret))
  }

  @Test(arguments: [1, 3]) func tokenNewCompletesWhenTheFlowIsApproved(replicas: Int) throws {
    guard let modal = modal() else { return }
    let scenario = try Scenario(replicas: replicas)
    defer { scenario.stop() }
    let outputPath = scenario.folder.path + "/token-new.out"
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: modal)
    process.arguments = ["token", "new"]
    process.environment = scenario.environment(for: scenario.servers[scenario.nextIndex()])
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    process.standardError = process.standardOutput
    try process.run()
    defer { if process.isRunning { process.terminate() } }

    var code: String?
    let end = Date().addingTimeInterval(60)
    while Date() < end, code == nil, process.isRunning {
      let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
      code = text.firstMatch(of: /Enter this code: ([B-Z]{4}-[B-Z]{4})/).map { String($0.1) }
      if code == nil { Thread.sleep(forTimeInterval: 0.05) }
    }
    let found = try #require(code, "no code in: \((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")")
    // With replicas the approval is committed by another process on another replica's machine;
    // the waiting replica hears of it through PostgreSQL.
    let approve = try scenario.serverCommand(["flow", "approve", "--code", found, "--email", "py@example.com"])
    #expect(approve.status == 0, "\(approve.stderr)")
    let deadline = Date().addingTimeInterval(30)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    #expect(!process.isRunning)
    #expect(process.terminationStatus == 0, "\(output)")
    #expect(output.contains("Web authentication finished successfully!"))
    #expect(output.contains("Token is connected to the pyws workspace."))
    #expect(output.contains("Token verified successfully!"))
    #expect(output.contains("/flow/\(found)"))
    let config = try String(contentsOfFile: scenario.configPath, encoding: .utf8)
    let newID = try #require(config.firstMatch(of: /token_id = "(ak-[0-9A-Za-z]{22})"/).map { String($0.1) })
    #expect(newID != scenario.owner.id)
    let info = try scenario.run(modal, ["token", "info"])
    #expect(info.stdout.contains("Token: \(newID)"), "\(info.stderr)")
  }

  @Test(arguments: [1, 3]) func revokedExpiredAndOutOfScopeTokensGetTheRightErrors(replicas: Int) throws {
    guard let modal = modal() else { return }
    let scenario = try Scenario(replicas: replicas)
    defer { scenario.stop() }

    let revoked = try scenario.createToken(["--name", "revoked"])
    // Every replica has verified (and remembered) the token before it is revoked.
    for _ in scenario.servers {
      let before = try scenario.run(modal, ["token", "info"], token: revoked)
      #expect(before.status == 0, "\(before.stderr)")
    }
    let revoke = try scenario.serverCommand(["token", "revoke", revoked.id])
    #expect(revoke.status == 0, "\(revoke.stderr)")
    let revokedInfo = try scenario.run(modal, ["token", "info"], token: revoked)
    #expect(revokedInfo.status == 1)
    #expect(revokedInfo.stderr.contains("Token \(revoked.id) was revoked at"), "\(revokedInfo.stderr)")

    let expiring = try scenario.createToken(["--name", "short", "--expires-in", "1s"])
    Thread.sleep(forTimeInterval: 1.5)
    let expiredInfo = try scenario.run(modal, ["token", "info"], token: expiring)
    #expect(expiredInfo.status == 1)
    #expect(expiredInfo.stderr.contains("Token \(expiring.id) expired at"), "\(expiredInfo.stderr)")

    let wrong = Credentials(id: scenario.owner.id, secret: TokenFormat.newSecret())
    let wrongInfo = try scenario.run(modal, ["token", "info"], token: wrong)
    #expect(wrongInfo.status == 1)
    #expect(wrongInfo.stderr.contains("Token validation failed"))

    let readOnly = try scenario.createToken(["--name", "reader", "--scopes", "read"])
    let listed = try scenario.run(modal, ["secret", "list", "--json"], token: readOnly)
    #expect(listed.status == 0, "\(listed.stderr)")
    let denied = try scenario.run(modal, ["secret", "create", "nope", "A=1"], token: readOnly)
    #expect(denied.status == 1)
    #expect(denied.stderr.contains("does not have the scope 'secrets:write'"), "\(denied.stderr)")
  }
}
