import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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
