import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A real `modal-server serve` child process on 127.0.0.1 with free ports, for tests that need the
/// real executable (the `modal` command line end to end, signals, the Python client, replicas).
///
/// Two ways in: `init(in:tls:)` bootstraps a fresh data folder (workspace `me` owned by
/// `me@example.com`, its token in `tokenID`/`tokenSecret`) and starts serving at once;
/// `init(dataDirectory:logPath:extraArguments:)` only configures, for tests that bootstrap the
/// folder themselves and then call `start()`. Either stops with `stop(.kill)` (the default) or
/// `stop(.terminate)` for an orderly shut-down whose exit status counts; `deinit` kills.
public final class ModalServerProcess: @unchecked Sendable {
  /// How `stop` ends the server.
  public enum StopSignal: Sendable {
    /// SIGTERM: the server shuts down in order (the exit status says how that went).
    case terminate
    /// SIGKILL: nothing is flushed or closed (for throwing a data folder away, or crash tests).
    case kill
  }

  /// The data folder.
  public let dataDirectory: String
  /// Where the server's standard error (its log) goes.
  public let logPath: String
  /// More `serve` options (`--database URL`), after the addresses.
  public let extraArguments: [String]
  /// The bootstrap token's id (`init(in:tls:)` only; empty otherwise).
  public private(set) var tokenID = ""
  /// The bootstrap token's secret (`init(in:tls:)` only; empty otherwise).
  public private(set) var tokenSecret = ""
  /// The gRPC port, once started.
  public private(set) var port = 0
  /// The dashboard's port, once started.
  public private(set) var httpPort = 0
  private let tls: Bool
  private let process = Process()
  /// Where the dashboard listens; port 0 picks a free one (set a fixed port when the public URL
  /// must name it, as passkeys need `--public-url http://localhost:<port>`).
  public var httpAddress = "127.0.0.1:0"
  /// Whether `start()` launched the process (Foundation traps on the status of one never launched).
  private var launched = false

  /// The built `modal-server`.
  public static var executable: String { ProcessRunner.product("modal-server") }

  /// Configures a server over `dataDirectory`, logging to `logPath`; TLS when `tls` gives a
  /// certificate chain and key. Nothing runs until `start()`.
  public init(
    dataDirectory: String, logPath: String, extraArguments: [String] = [], tls: (certificate: String, key: String)? = nil
  ) {
    self.dataDirectory = dataDirectory
    self.logPath = logPath
    self.extraArguments = (tls.map { ["--tls-cert", $0.certificate, "--tls-key", $0.key] } ?? []) + extraArguments
    self.tls = tls != nil
  }

  /// Bootstraps a data folder in `folder` and starts serving, over TLS when `tls` gives a
  /// certificate chain and key (then the URLs are `https://localhost:<port>`).
  public convenience init(
    in folder: TemporaryFolder, extraArguments: [String] = [], tls: (certificate: String, key: String)? = nil
  ) throws {
    self.init(
      dataDirectory: folder.path + "/server-data", logPath: folder.path + "/server.log", extraArguments: extraArguments,
      tls: tls)
    let boot = try Self.command(["bootstrap", "--data-dir", dataDirectory, "--email", "me@example.com", "--workspace", "me", "--json"])
    guard boot.status == 0, let json = try JSONSerialization.jsonObject(with: Data(boot.stdout.utf8)) as? [String: Any],
      let id = json["token_id"] as? String, let secret = json["token_secret"] as? String
    else { throw StandInError(message: "bootstrap failed: \(boot.stderr)") }
    tokenID = id
    tokenSecret = secret
    try start()
  }

  /// Starts `serve` and waits until it logs both ports; kills it and throws with its log if it
  /// does not within 30 seconds.
  public func start() throws {
    _ = FileManager.default.createFile(atPath: logPath, contents: nil)
    process.executableURL = URL(fileURLWithPath: Self.executable)
    process.arguments =
      ["serve", "--data-dir", dataDirectory, "--grpc-address", "127.0.0.1:0", "--http-address", httpAddress] + extraArguments
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    launched = true
    let end = Date().addingTimeInterval(30)
    while Date() < end {
      let text = log
      if let grpc = text.firstMatch(of: /gRPC listening on 127\.0\.0\.1:(\d+)/), let grpcPort = Int(grpc.1),
        let http = text.firstMatch(of: /HTTP listening on 127\.0\.0\.1:(\d+)/), let webPort = Int(http.1)
      {
        port = grpcPort
        httpPort = webPort
        return
      }
      if !process.isRunning { break }
      Thread.sleep(forTimeInterval: 0.02)
    }
    stop()
    throw StandInError(message: "modal-server serve did not start; its log:\n\(log)")
  }

  /// The gRPC URL: `http://127.0.0.1:<port>`, or `https://localhost:<port>` with TLS.
  public var url: String { tls ? "https://localhost:\(port)" : "http://127.0.0.1:\(port)" }

  /// The dashboard's URL, in the same form as `url`.
  public var httpURL: String { tls ? "https://localhost:\(httpPort)" : "http://127.0.0.1:\(httpPort)" }

  /// Whether the server process runs.
  public var isRunning: Bool { missedEnd == nil && process.isRunning }

  /// The server's process id (0 before `start()`).
  public var processIdentifier: Int32 { launched ? process.processIdentifier : 0 }

  /// Why the server process ended (once it has).
  public var terminationReason: Process.TerminationReason {
    if let missedEnd { return missedEnd.signalled ? .uncaughtSignal : .exit }
    return process.terminationReason
  }

  /// How the process ended, when Foundation missed its end (`Process.waitForEnd`).
  private var missedEnd: (status: Int32, signalled: Bool)?

  /// The server's log (one line per call).
  public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

  /// Whether the log contains `text` within `seconds` (per-call lines are written in batches,
  /// a few milliseconds after the call).
  public func logEventually(contains text: String, within seconds: Double = 2) -> Bool {
    logEventually(within: seconds) { $0.contains(text) }
  }

  /// Whether the log satisfies `condition` within `seconds` (per-call lines are written in
  /// batches every 20 ms, so a line may come a moment after its call ended).
  public func logEventually(within seconds: Double = 2, _ condition: (String) -> Bool) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    repeat {
      if condition(log) { return true }
      Thread.sleep(forTimeInterval: 0.02)
    } while Date() < end
    return false
  }

  /// Runs a `modal-server` command against this data folder (`--data-dir` is added).
  public func run(_ arguments: [String]) throws -> ProcessOutput {
    try Self.command(arguments + ["--data-dir", dataDirectory])
  }

  /// Approves a pending login flow by its code, as a second client would.
  public func approve(code: String) throws -> ProcessOutput {
    try run(["flow", "approve", "--code", code, "--email", "me@example.com"])
  }

  /// Sends `signal` (SIGKILL unless told) if the server runs, waits for the exit (polling, never
  /// `waitUntilExit`) and returns the exit status (the signal's number when a signal ended it; 0
  /// when it never started).
  @discardableResult
  public func stop(_ signal: StopSignal = .kill) -> Int32 {
    guard launched else { return 0 }
    if let missedEnd { return missedEnd.status }
    guard process.isRunning else { return process.terminationStatus }
    kill(process.processIdentifier, signal == .kill ? SIGKILL : SIGTERM)
    let end = process.waitForEnd()
    if process.isRunning { missedEnd = end }
    return end.status
  }

  deinit { stop() }

  /// Runs the built `modal-server` with `arguments` and exactly `environment`; returns status and output.
  public static func command(_ arguments: [String], environment: [String: String] = ["PATH": "/usr/bin:/bin"]) throws
    -> ProcessOutput
  {
    try ProcessRunner.run(executable, arguments, environment: environment)
  }
}
