import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A real `modal-server serve` on 127.0.0.1 with a fresh data folder and a bootstrapped workspace
/// `me` owned by `me@example.com`, for end-to-end tests of the `modal` command line.
public final class ModalServerProcess: @unchecked Sendable {
  /// The data folder.
  public let dataDirectory: String
  /// The gRPC URL, `http://127.0.0.1:<port>`.
  public private(set) var url = ""
  /// The bootstrap token.
  public let tokenID: String
  /// The bootstrap token's secret.
  public let tokenSecret: String
  private let process = Process()
  private let logPath: String

  /// The built `modal-server`.
  public static var executable: String { ProcessRunner.product("modal-server") }

  /// The dashboard URL, once the server logged it.
  public private(set) var httpURL = ""

  /// Bootstraps a data folder in `folder` and starts serving, over TLS when `tls` gives a
  /// certificate chain and key (then the URLs are `https://localhost:<port>`).
  public init(in folder: TemporaryFolder, tls: (certificate: String, key: String)? = nil) throws {
    dataDirectory = folder.path + "/server-data"
    logPath = folder.path + "/server.log"
    let boot = try Self.command(["bootstrap", "--data-dir", dataDirectory, "--email", "me@example.com", "--workspace", "me", "--json"])
    guard boot.status == 0, let json = try JSONSerialization.jsonObject(with: Data(boot.stdout.utf8)) as? [String: Any],
      let id = json["token_id"] as? String, let secret = json["token_secret"] as? String
    else { throw StandInError(message: "bootstrap failed: \(boot.stderr)") }
    tokenID = id
    tokenSecret = secret
    _ = FileManager.default.createFile(atPath: logPath, contents: nil)
    process.executableURL = URL(fileURLWithPath: Self.executable)
    var arguments = ["serve", "--data-dir", dataDirectory, "--grpc-address", "127.0.0.1:0", "--http-address", "127.0.0.1:0"]
    if let tls { arguments += ["--tls-cert", tls.certificate, "--tls-key", tls.key] }
    process.arguments = arguments
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let end = Date().addingTimeInterval(30)
    while Date() < end {
      if let match = log.firstMatch(of: /gRPC listening on 127\.0\.0\.1:(\d+)/),
        let http = log.firstMatch(of: /HTTP listening on 127\.0\.0\.1:(\d+)/)
      {
        url = tls == nil ? "http://127.0.0.1:\(match.1)" : "https://localhost:\(match.1)"
        httpURL = tls == nil ? "http://127.0.0.1:\(http.1)" : "https://localhost:\(http.1)"
        return
      }
      if !process.isRunning { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    stop()
    throw StandInError(message: "modal-server serve did not start; its log:\n\(log)")
  }

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

  /// Stops the server with SIGKILL (the data folder is thrown away).
  public func stop() {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGKILL)
    while process.isRunning { usleep(10_000) }
  }

  deinit { stop() }

  private static func command(_ arguments: [String]) throws -> ProcessOutput {
    try ProcessRunner.run(executable, arguments, environment: ["PATH": "/usr/bin:/bin"])
  }
}

/// A `modal` child process whose output goes to files, so a test can read it while it runs,
/// send it signals, and wait for it without blocking (never `waitUntilExit`).
public final class ModalChild: @unchecked Sendable {
  private let process = Process()
  private let outPath: String
  private let errPath: String

  /// Starts the built `modal` with arguments and exactly the given environment.
  public init(_ arguments: [String], environment: [String: String], in folder: TemporaryFolder, stdin: String? = nil) throws {
    let name = UUID().uuidString
    outPath = folder.path + "/\(name).out"
    errPath = folder.path + "/\(name).err"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    process.executableURL = URL(fileURLWithPath: ProcessRunner.product("modal"))
    process.arguments = arguments
    process.environment = environment
    process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
  }

  /// What it printed on standard output so far.
  public var stdout: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
  /// What it printed on standard error so far.
  public var stderr: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }
  /// Whether it still runs.
  public var isRunning: Bool { process.isRunning }

  /// Waits (polling) until `predicate` holds for its standard output, or the time limit passes.
  public func waitForOutput(timeout: Double = 60, _ predicate: (String) -> Bool) async -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
      if predicate(stdout) { return true }
      if !process.isRunning { return predicate(stdout) }
      try? await Task.sleep(for: .milliseconds(50))
    }
    return false
  }

  /// The login code it printed (`Enter this code: XXXX-XXXX`), once it has.
  public func loginCode(timeout: Double = 60) async -> String? {
    _ = await waitForOutput(timeout: timeout) { $0.contains("Enter this code: ") && $0.hasSuffix("\n\n") }
    return stdout.firstMatch(of: /Enter this code: ([A-Z]{4}-[A-Z]{4})/).map { String($0.1) }
  }

  /// Sends a signal.
  public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

  /// Waits (polling) for the exit; returns the status, or nil when it still runs after `timeout`.
  public func exitStatus(timeout: Double = 120) async -> Int32? {
    let end = Date().addingTimeInterval(timeout)
    while process.isRunning {
      if Date() > end {
        kill(process.processIdentifier, SIGKILL)
        return nil
      }
      try? await Task.sleep(for: .milliseconds(50))
    }
    return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
  }
}
