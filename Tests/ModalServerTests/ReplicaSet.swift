import Foundation
import ModalServer
import Testing
import TestSupport

/// Several `modal-server serve` processes over one PostgreSQL database, as a deployment runs them:
/// each replica has its own data folder holding a copy of the same key file, and nothing else is
/// shared. The first replica's folder is bootstrapped with a workspace `pyws` owned by
/// `py@example.com`.
///
/// `pooled` puts PgBouncer in transaction mode between the replicas (and the commands) and the
/// database; the replicas' listeners then connect directly with `--events-database`.
final class ReplicaSet: @unchecked Sendable {
  let folder: TemporaryFolder
  /// The URL replicas and commands use: the database's, or PgBouncer's when pooled.
  let databaseURL: String
  /// The database's own URL (the same as `databaseURL` unless pooled).
  let directURL: String
  /// PgBouncer, when pooled.
  let pooler: PgBouncerServer?
  let replicas: [ModalServerProcess]
  let owner: Credentials

  /// The owner's dashboard password.
  static let password = "replica-password-123"

  /// Bootstraps and starts `count` replicas on a fresh database of the shared test cluster, each
  /// with `extraArguments` too.
  init(
    count: Int, email: String = "py@example.com", workspace: String = "pyws", pooled: Bool = false,
    extraArguments: [String] = []
  ) throws {
    let folder = TemporaryFolder()
    self.folder = folder
    directURL = try PostgresServer.shared().newDatabase()
    pooler = pooled ? try PgBouncerServer(inFrontOf: PostgresServer.shared()) : nil
    databaseURL = pooler?.url(for: directURL) ?? directURL
    let databaseURL = self.databaseURL
    let arguments = ["--database", databaseURL] + (pooled ? ["--events-database", directURL] : []) + extraArguments
    let folders = (0..<count).map { "\(folder.path)/replica\($0)" }
    let passwordFile = folder.write(Self.password + "\n", to: "password")
    let boot = try runServerCommand([
      "bootstrap", "--data-dir", folders[0], "--database", databaseURL, "--email", email, "--workspace", workspace,
      "--password-file", passwordFile, "--json",
    ])
    guard boot.status == 0 else { throw ServerError(.internal, "bootstrap failed: \(boot.stderr)") }
    owner = try bootstrapCredentials(boot.stdout)
    let keys = folders[0] + "/" + ServerKeys.fileName
    for other in folders.dropFirst() {
      try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      try FileManager.default.copyItem(atPath: keys, toPath: other + "/" + ServerKeys.fileName)
    }
    replicas = folders.enumerated().map { index, data in
      ModalServerProcess(dataDirectory: data, logPath: "\(folder.path)/replica\(index).log", extraArguments: arguments)
    }
    for replica in replicas { try replica.start() }
  }

  deinit { for replica in replicas { replica.stop(.kill) } }

  /// Every replica's URL, comma-separated (the client's failover list).
  var failoverURL: String { replicas.map(\.url).joined(separator: ",") }

  /// Runs a `modal-server` command (`token create`, `flow approve`, …) with replica `index`'s data
  /// folder and the shared database, as an operator on that machine would.
  func command(_ arguments: [String], on index: Int) throws -> ProcessOutput {
    try runServerCommand(arguments + ["--data-dir", replicas[index].dataDirectory, "--database", databaseURL])
  }

  /// The names of every secret in the database, read with psql (not through a replica).
  func storedSecretNames() throws -> Set<String> {
    let database = String(databaseURL.split(separator: "/").last ?? "")
    let output = try PostgresServer.shared().sql("SELECT name FROM secrets WHERE name IS NOT NULL", database: database)
    return Set(output.split(separator: "\n").map(String.init))
  }
}
