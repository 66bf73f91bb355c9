import Foundation
import Modal
import ModalAPI
import Testing
import TestSupport

@testable import ModalServer

/// `modal-server backup` beside a serving `modal-server serve` and ten writers: the copy holds
/// every write acknowledged before it started, and a server on the restored folder accepts the
/// old tokens and lists the old secrets.
@Suite(.serialized) struct BackupProcessTests {
  /// What the writers had acknowledged, appended as each write returns.
  private final class Acknowledged: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [Credentials] = []
    private var secrets: [String] = []
    private var failures: [String] = []

    func add(token: Credentials) { lock.withLock { tokens.append(token) } }
    func add(secret: String) { lock.withLock { secrets.append(secret) } }
    func fail(_ message: String) { lock.withLock { failures.append(message) } }
    var snapshot: (tokens: [Credentials], secrets: [String], failures: [String]) {
      lock.withLock { (tokens, secrets, failures) }
    }
  }

  private func client(_ url: String, _ token: Credentials, folder: TemporaryFolder) throws -> ModalClient {
    try ModalClient(options: .init(tokenID: token.id, tokenSecret: token.secret, serverURL: url, host: folder.host()))
  }

  @Test func aBackupDuringTenWritersHoldsEveryAcknowledgedWrite() async throws {
    let folder = TemporaryFolder()
    let server = try ModalServerProcess(in: folder)
    defer { server.stop() }
    let owner = Credentials(id: server.tokenID, secret: server.tokenSecret)
    let acknowledged = Acknowledged()
    let running = LockedFlag()

    // Five writers mint tokens through the token service on their own connections to the file
    // (as `modal-server token create` does), five create secrets through the serving server's API.
    let writers = (0..<10).map { index in
      Task {
        if index < 5 {
          await mintTokens(data: server.dataDirectory, writer: index, into: acknowledged, while: running)
        } else {
          await createSecrets(url: server.url, owner: owner, folder: folder, writer: index, into: acknowledged, while: running)
        }
      }
    }
    try await Task.sleep(for: .seconds(2))
    let before = acknowledged.snapshot
    let file = folder.path + "/backup.sqlite3"
    let backup = try runServerCommand(["backup", "--data-dir", server.dataDirectory, "--to", file])
    try await Task.sleep(for: .milliseconds(500))
    running.set(false)
    for writer in writers { await writer.value }
    #expect(backup.status == 0, "\(backup.stderr)")
    let after = acknowledged.snapshot
    #expect(after.failures.isEmpty, "\(after.failures)")
    // The writers kept going during the backup, and had written plenty before it.
    #expect(before.tokens.count >= 5 && before.secrets.count >= 5, "\(before.tokens.count) tokens, \(before.secrets.count) secrets")
    #expect(after.tokens.count + after.secrets.count > before.tokens.count + before.secrets.count)

    let restoredData = folder.path + "/restored"
    let restore = try runServerCommand(["restore", "--from", file, "--data-dir", restoredData])
    #expect(restore.status == 0, "\(restore.stderr)")
    let restored = ModalServerProcess(dataDirectory: restoredData, logPath: folder.path + "/restored.log")
    try restored.start()
    defer { restored.stop() }
    for token in before.tokens + [owner] {
      let restoredClient = try client(restored.url, token, folder: folder)
      do throws(ModalError) {
        _ = try await restoredClient.hello()
      } catch {
        Issue.record("the restored server refused token \(token.id): \(error)")
      }
    }
    var names = Set<String>()
    for try await secret in try client(restored.url, owner, folder: folder).secrets.list() { names.insert(secret.name) }
    #expect(Set(before.secrets).isSubset(of: names), "missing: \(Set(before.secrets).subtracting(names))")
  }

  private func mintTokens(data: String, writer: Int, into acknowledged: Acknowledged, while running: LockedFlag) async {
    do {
      let opened = try await ServerCommandLine.open(dataDirectory: data, create: false)
      let backend = Backend(dependencies: Dependencies(store: opened.store, keys: opened.keys))
      let workspace = try await backend.accounts.workspace(name: "me")
      let user = try await backend.accounts.firstOwner(of: workspace)
      var round = 0
      while running.value {
        let token = try await backend.tokens.issue(
          workspaceID: workspace.id, owner: .user(id: user.id), createdByUserID: user.id, name: "w\(writer)-\(round)",
          scopes: .all, lifetimeSeconds: nil, by: .serverOperator)
        acknowledged.add(token: Credentials(id: token.id.rawValue, secret: token.secret))
        round += 1
        try await Task.sleep(for: .milliseconds(20))
      }
      await opened.store.close()
    } catch {
      acknowledged.fail("token writer \(writer): \(error)")
    }
  }

  private func createSecrets(
    url: String, owner: Credentials, folder: TemporaryFolder, writer: Int, into acknowledged: Acknowledged, while running: LockedFlag
  ) async {
    do {
      let client = try client(url, owner, folder: folder)
      var round = 0
      while running.value {
        var request = SecretGetOrCreateRequest()
        request.deploymentName = "s\(writer)-\(round)"
        request.objectCreationType = .createFailIfExists
        request.envDict = ["KEY": "value \(round)"]
        _ = try await client.call(ModalClientMethods.secretGetOrCreate, request)
        acknowledged.add(secret: request.deploymentName)
        round += 1
        try await Task.sleep(for: .milliseconds(20))
      }
    } catch {
      acknowledged.fail("secret writer \(writer): \(error)")
    }
  }
}

/// A flag shared by the test and its writer tasks.
private final class LockedFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var flag = true
  var value: Bool { lock.withLock { flag } }
  func set(_ value: Bool) { lock.withLock { flag = value } }
}

/// The PostgreSQL route of docs/deployment.md ("Backups"): `pg_dump` while a replica serves,
/// `pg_restore` into a new database, the key file copied beside it, and a server on the restored
/// database accepts the old tokens.
@Suite(.serialized) struct PostgresBackupRouteTests {
  @Test func pgDumpAndPgRestoreWithTheKeyFileRestoreADeployment() async throws {
    let cluster = try PostgresServer.shared()
    let folder = TemporaryFolder()
    let database = try cluster.newDatabase()
    let server = ModalServerProcess(
      dataDirectory: folder.path + "/data", logPath: folder.path + "/server.log", extraArguments: ["--database", database])
    let boot = try runServerCommand([
      "bootstrap", "--data-dir", server.dataDirectory, "--database", database, "--email", "pg@example.com", "--workspace", "pg", "--json",
    ])
    #expect(boot.status == 0, "\(boot.stderr)")
    let owner = try bootstrapCredentials(boot.stdout)
    try server.start()
    defer { server.stop() }
    let created = try runServerCommand([
      "token", "create", "--data-dir", server.dataDirectory, "--database", database, "--workspace", "pg", "--json",
    ])
    let second = try bootstrapCredentials(created.stdout)

    let name = String(database.split(separator: "/").last ?? "")
    let dump = cluster.folder + "/\(name).dump"
    let dumped = try cluster.tool("pg_dump", ["--format=custom", "--file=\(dump)", "--dbname=\(name)"])
    #expect(dumped.status == 0, "\(dumped.stderr)")
    let restoredDatabase = try cluster.newDatabase()
    let restoredName = String(restoredDatabase.split(separator: "/").last ?? "")
    let restoredDump = try cluster.tool("pg_restore", ["--no-owner", "--exit-on-error", "--dbname=\(restoredName)", dump])
    #expect(restoredDump.status == 0, "\(restoredDump.stderr)")

    // Without the key file the restored database is refused, saying what to restore.
    let noKeys = folder.path + "/no-keys"
    try FileManager.default.createDirectory(atPath: noKeys, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let refused = try runServerCommand(["token", "create", "--data-dir", noKeys, "--database", restoredDatabase, "--workspace", "pg"])
    #expect(refused.status == 1 && refused.stderr.contains("server key file"), "\(refused.stderr)")
    let restoredData = folder.path + "/restored"
    try FileManager.default.createDirectory(atPath: restoredData, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    try FileManager.default.copyItem(atPath: server.dataDirectory + "/server-keys", toPath: restoredData + "/server-keys")
    let restored = ModalServerProcess(
      dataDirectory: restoredData, logPath: folder.path + "/restored.log", extraArguments: ["--database", restoredDatabase])
    try restored.start()
    defer { restored.stop() }
    for token in [owner, second] {
      let client = try ModalClient(
        options: .init(tokenID: token.id, tokenSecret: token.secret, serverURL: restored.url, host: folder.host()))
      _ = try await client.hello()
    }
  }
}
