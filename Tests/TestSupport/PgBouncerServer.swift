import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Debian's real PgBouncer in front of a test `PostgresServer`, on 127.0.0.1 and a free port, in
/// transaction-pooling mode (the mode that breaks session state: named prepared statements,
/// startup `options`, `LISTEN`). Every database name maps to the same name on the cluster; the
/// `modal` role is trusted. PgBouncer refuses to run as root, so under root it runs as the
/// `postgres` user, as the cluster does.
public final class PgBouncerServer: @unchecked Sendable {
  /// The folder holding the configuration, log and pid file; removed by `stop`.
  public let folder: String
  /// The TCP port on 127.0.0.1.
  public let port: Int
  /// The pooling mode in the configuration (`transaction` unless the test says otherwise).
  public let poolMode: String

  /// Where Debian installs it.
  public static let executable = "/usr/sbin/pgbouncer"

  /// Whether PgBouncer is installed.
  public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: executable) }

  /// Starts PgBouncer in front of `cluster` and waits until it accepts connections.
  public init(inFrontOf cluster: PostgresServer, poolMode: String = "transaction", poolSize: Int = 20) throws {
    guard Self.isInstalled else {
      throw StandInError(message: "PgBouncer is not installed (run `bash scripts/setup.sh --test`).")
    }
    folder = "/tmp/modal-pgbouncer-" + UUID().uuidString.prefix(8).lowercased()
    port = try FreePort.find()
    self.poolMode = poolMode
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let configuration = """
      [databases]
      * = host=127.0.0.1 port=\(cluster.port)

      [pgbouncer]
      listen_addr = 127.0.0.1
      listen_port = \(port)
      unix_socket_dir =
      auth_type = trust
      auth_file = \(folder)/users.txt
      pool_mode = \(poolMode)
      default_pool_size = \(poolSize)
      max_client_conn = 1000
      logfile = \(folder)/pgbouncer.log
      pidfile = \(folder)/pgbouncer.pid

      """
    try configuration.write(toFile: folder + "/pgbouncer.ini", atomically: true, encoding: .utf8)
    try "\"modal\" \"\"\n".write(toFile: folder + "/users.txt", atomically: true, encoding: .utf8)
    if getuid() == 0, let account = getpwnam("postgres") {
      for path in [folder, folder + "/pgbouncer.ini", folder + "/users.txt"] {
        chown(path, account.pointee.pw_uid, account.pointee.pw_gid)
      }
    }
    try start()
  }

  deinit { stop() }

  /// `postgres://modal@127.0.0.1:<port>/<database>` for the database `url` names on the cluster.
  public func url(for databaseURL: String) -> String {
    "postgres://modal@127.0.0.1:\(port)/" + (databaseURL.split(separator: "/").last.map(String.init) ?? "modal")
  }

  /// Starts PgBouncer (as a daemon) and waits up to 10 s for its port.
  public func start() throws {
    let started = try PostgresServer.launchAsServerUser([Self.executable, "-d", folder + "/pgbouncer.ini"])
    guard started == 0 else { throw StandInError(message: "pgbouncer did not start:\n\(log)") }
    for _ in 0..<200 {
      let socket = LoopbackSocket.open(port: port, receiveTimeout: 1)
      if socket >= 0 {
        close(socket)
        return
      }
      usleep(50_000)
    }
    throw StandInError(message: "pgbouncer does not listen on \(port):\n\(log)")
  }

  /// The daemon's process id, from its pid file.
  public var processIdentifier: Int32? {
    (try? String(contentsOfFile: folder + "/pgbouncer.pid", encoding: .utf8))
      .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
  }

  /// The log.
  public var log: String { (try? String(contentsOfFile: folder + "/pgbouncer.log", encoding: .utf8)) ?? "" }

  /// Stops PgBouncer and removes its folder. SIGKILL: the daemon inherits the test process' signal
  /// mask, in which SIGTERM is blocked, and a throwaway pooler has nothing to save.
  public func stop() {
    if let pid = processIdentifier, kill(pid, SIGKILL) == 0 {
      for _ in 0..<100 where kill(pid, 0) == 0 { usleep(50_000) }
    }
    try? FileManager.default.removeItem(atPath: folder)
  }
}
