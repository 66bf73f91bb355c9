import Foundation
import ModalServer
import Testing
import TestSupport

/// A `modal-server serve` child process on 127.0.0.1 with a free port, for tests that need the
/// real executable (signals, SIGKILL, the Python client).
final class ServerProcess: @unchecked Sendable {
  let dataDirectory: String
  let process = Process()
  let logPath: String
  /// More `serve` options (`--database URL`).
  let extraArguments: [String]
  private(set) var port = 0
  private(set) var httpPort = 0

  /// The built executable.
  static var executable: String { ProcessRunner.product("modal-server") }

  init(dataDirectory: String, logPath: String, extraArguments: [String] = []) {
    self.dataDirectory = dataDirectory
    self.logPath = logPath
    self.extraArguments = extraArguments
  }

  /// Starts `serve` and waits until it logs its port.
  func start() throws {
    _ = FileManager.default.createFile(atPath: logPath, contents: nil)
    process.executableURL = URL(fileURLWithPath: Self.executable)
    process.arguments = [
      "serve", "--data-dir", dataDirectory, "--grpc-address", "127.0.0.1:0", "--http-address", "127.0.0.1:0",
    ] + extraArguments
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let end = Date().addingTimeInterval(20)
    while Date() < end {
      let text = log
      if let match = text.firstMatch(of: /gRPC listening on 127\.0\.0\.1:(\d+)/), let found = Int(match.1),
        let http = text.firstMatch(of: /HTTP listening on 127\.0\.0\.1:(\d+)/), let httpFound = Int(http.1)
      {
        port = found
        httpPort = httpFound
        return
      }
      if !process.isRunning { break }
      Thread.sleep(forTimeInterval: 0.02)
    }
    stopHard()
    throw ServerError(.internal, "modal-server serve did not start; its log:\n\(log)")
  }

  var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

  var url: String { "http://127.0.0.1:\(port)" }

  /// The dashboard's base URL.
  var httpURL: String { "http://127.0.0.1:\(httpPort)" }

  /// SIGTERM, then waits for the exit; returns the exit status.
  @discardableResult
  func stop() -> Int32 {
    guard process.isRunning else { return process.terminationStatus }
    process.terminate()
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// SIGKILL, then waits.
  func stopHard() {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  deinit { stopHard() }
}

/// Runs the built `modal-server` with arguments; returns status and output.
func runServerCommand(_ arguments: [String]) throws -> ProcessOutput {
  try ProcessRunner.run(ServerProcess.executable, arguments, environment: ProcessInfo.processInfo.environment)
}
