import Foundation
import Modal

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A throwaway PostgreSQL cluster for tests: `initdb` in a temporary folder, served on
/// 127.0.0.1 on a free port (and a Unix socket in that folder), trust authentication for the
/// `modal` role, database `modal`. PostgreSQL refuses to run as root, so under root every server
/// command runs as the `postgres` system user (Debian's package creates it) via `runuser`.
public final class PostgresServer: @unchecked Sendable {
  /// The cluster's folder (data and log); removed by `destroy`.
  public let folder: String
  /// The TCP port on 127.0.0.1.
  public let port: Int
  private let binaries: String

  /// `postgres://modal@127.0.0.1:<port>/modal`.
  public var url: String { "postgres://modal@127.0.0.1:\(port)/modal" }

  /// The folder holding `initdb`, `pg_ctl` and `postgres`, if PostgreSQL is installed.
  public static var binDirectory: String? {
    let root = "/usr/lib/postgresql"
    let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
    for version in versions.reversed() where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
      return "\(root)/\(version)/bin"
    }
    for folder in ["/usr/local/bin", "/opt/homebrew/bin"] where FileManager.default.isExecutableFile(atPath: folder + "/initdb") {
      return folder
    }
    return nil
  }

  /// Creates and starts a cluster.
  public init() throws {
    guard let binaries = Self.binDirectory else {
      throw StandInError(message: "PostgreSQL is not installed (run `bash scripts/setup.sh --test`).")
    }
    self.binaries = binaries
    folder = "/tmp/modal-pg-" + UUID().uuidString.prefix(8).lowercased()
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    if getuid() == 0 {
      guard let account = getpwnam("postgres") else {
        throw StandInError(message: "Running as root, but there is no `postgres` user to run PostgreSQL as.")
      }
      chown(folder, account.pointee.pw_uid, account.pointee.pw_gid)
    }
    port = try FreePort.find()
    let initdb = try Self.asServerUser(
      binaries + "/initdb", ["-D", folder + "/data", "-U", "modal", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"])
    guard initdb.status == 0 else { throw StandInError(message: "initdb failed: \(initdb.stderr)\(initdb.stdout)") }
    try start()
    let created = try Self.asServerUser(
      binaries + "/psql", ["-h", folder, "-p", String(port), "-U", "modal", "-d", "postgres", "-qc", "CREATE DATABASE modal"])
    guard created.status == 0 else { throw StandInError(message: "CREATE DATABASE failed: \(created.stderr)") }
  }

  deinit { destroy() }

  private static let sharedLock = NSLock()
  nonisolated(unsafe) private static var sharedServer: PostgresServer?

  /// One cluster shared by every test of this process (started on first use, stopped at exit);
  /// tests isolate themselves with `newDatabase()`.
  public static func shared() throws -> PostgresServer {
    try sharedLock.withLock {
      if let sharedServer { return sharedServer }
      let server = try PostgresServer()
      sharedServer = server
      atexit { PostgresServer.sharedServer?.destroy() }
      return server
    }
  }

  /// Creates an empty database and returns its URL.
  public func newDatabase() throws -> String {
    let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    let created = try Self.asServerUser(
      binaries + "/psql", ["-h", folder, "-p", String(port), "-U", "modal", "-d", "postgres", "-qc", "CREATE DATABASE \(name)"])
    guard created.status == 0 else { throw StandInError(message: "CREATE DATABASE failed: \(created.stderr)") }
    return "postgres://modal@127.0.0.1:\(port)/\(name)"
  }

  /// Starts the server and waits until it accepts connections.
  public func start() throws {
    let options = "-c listen_addresses=127.0.0.1 -p \(port) -c unix_socket_directories=\(folder) -c fsync=off -c max_connections=200"
    // The server inherits pg_ctl's standard output and error, so they must not be pipes someone
    // reads to the end: pg_ctl's output goes to /dev/null (the log says what happened).
    let command = [binaries + "/pg_ctl", "-D", folder + "/data", "-l", folder + "/server.log", "-o", options, "-w", "-t", "60", "start"]
    guard try Self.launchAsServerUser(command) == 0 else { throw StandInError(message: "PostgreSQL did not start:\n\(log)") }
  }

  /// Runs `command` (one that starts a daemon and exits) as the server's user and returns its exit
  /// status. `Subprocess` gives it /dev/null as output: a daemon would keep a pipe open that a
  /// reader waits on to its end.
  static func launchAsServerUser(_ command: [String]) throws -> Int32 {
    let environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": "/tmp"]
    let launched =
      getuid() == 0
      ? Subprocess.launch("/usr/sbin/runuser", ["-u", "postgres", "--"] + command, environment: environment)
      : Subprocess.launch(command[0], Array(command.dropFirst()), environment: environment)
    guard let pid = launched else { throw StandInError(message: "Could not run \(command[0]).") }
    var status: Int32?
    while status == nil {
      usleep(20_000)
      status = Subprocess.exitStatus(of: pid)
    }
    return status ?? -1
  }

  /// Stops the server: `fast` rolls back open transactions and disconnects clients, `immediate`
  /// is a crash (recovery at the next start).
  public func stop(mode: String = "fast") {
    _ = try? Self.asServerUser(binaries + "/pg_ctl", ["-D", folder + "/data", "-m", mode, "-w", "-t", "60", "stop"])
  }

  /// Runs SQL with psql as the `modal` role in `database`; returns its output.
  @discardableResult
  public func sql(_ statement: String, database: String = "modal") throws -> String {
    let output = try Self.asServerUser(
      binaries + "/psql", ["-h", folder, "-p", String(port), "-U", "modal", "-d", database, "-XAtqc", statement])
    guard output.status == 0 else { throw StandInError(message: "psql failed: \(output.stderr)") }
    return output.stdout
  }

  /// Runs an SQL script of any size (psql -f; a statement given with -c must fit in one
  /// argument) in `database`, stopping at the first error.
  public func sqlScript(_ script: String, database: String) throws {
    let path = FileManager.default.temporaryDirectory.path + "/script-\(UUID().uuidString).sql"
    // Readable by the server user psql runs as under root.
    let readable: [FileAttributeKey: Any] = [.posixPermissions: 0o644]
    guard FileManager.default.createFile(atPath: path, contents: Data(script.utf8), attributes: readable) else {
      throw StandInError(message: "Could not write \(path).")
    }
    defer { try? FileManager.default.removeItem(atPath: path) }
    let output = try Self.asServerUser(
      binaries + "/psql",
      ["-h", folder, "-p", String(port), "-U", "modal", "-d", database, "-XAtq", "-v", "ON_ERROR_STOP=1", "-f", path])
    guard output.status == 0 else { throw StandInError(message: "psql failed: \(output.stderr)") }
  }

  /// Runs one of PostgreSQL's client programs (`pg_dump`, `pg_restore`, `createdb`) as the
  /// server's user, connected to this cluster as the `modal` role; files it writes should go in
  /// `folder`, which that user owns.
  public func tool(_ name: String, _ arguments: [String]) throws -> ProcessOutput {
    try Self.asServerUser(binaries + "/" + name, ["-h", "127.0.0.1", "-p", String(port), "-U", "modal"] + arguments)
  }

  /// The server log.
  public var log: String { (try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? "" }

  /// Stops the server and removes its folder.
  public func destroy() {
    guard FileManager.default.fileExists(atPath: folder) else { return }
    stop(mode: "immediate")
    try? FileManager.default.removeItem(atPath: folder)
  }

  private static func asServerUser(_ executable: String, _ arguments: [String]) throws -> ProcessOutput {
    var environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
    if getuid() == 0 {
      environment["HOME"] = "/tmp"
      return try ProcessRunner.run("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments, environment: environment)
    }
    environment["HOME"] = NSTemporaryDirectory()
    return try ProcessRunner.run(executable, arguments, environment: environment)
  }
}
