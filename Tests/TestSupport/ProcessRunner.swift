import Foundation

/// The result of running a program: exit status and what it printed.
public struct ProcessOutput: Sendable {
  /// The exit status (or 128 + signal number when killed by a signal).
  public let status: Int32
  /// Standard output as text.
  public let stdout: String
  /// Standard error as text.
  public let stderr: String
}

/// Runs built executables and reference tools from tests.
public enum ProcessRunner {
  /// The folder holding the package's built products (the test runner sits in it).
  public static var productsFolder: String {
    if let override = ProcessInfo.processInfo.environment["MODAL_TEST_PRODUCTS"] { return override }
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    // On macOS the runner is inside an .xctest bundle: Foo.xctest/Contents/MacOS/Foo.
    while url.path.contains(".xctest") { url = url.deletingLastPathComponent() }
    return url.path
  }

  /// The path of a built executable product, e.g. `modal`.
  public static func product(_ name: String) -> String { productsFolder + "/" + name }

  /// The package's root folder (where Package.swift is).
  public static var packageRoot: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
  }

  /// Runs `executable` with arguments, exactly the given environment, and optional standard input.
  public static func run(
    _ executable: String, _ arguments: [String], environment: [String: String], stdin: String? = nil,
    currentDirectory: String? = nil
  ) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = environment
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Read both pipes fully before waiting, so a chatty child never blocks on a full pipe.
    let group = DispatchGroup()
    nonisolated(unsafe) var outData = Data()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async {
      outData = out.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return ProcessOutput(
      status: status, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
  }
}
