import Foundation
import Testing

/// The Python of the test virtualenv and the interop script, found from the package root.
enum PythonInterop {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let script = packageRoot.appendingPathComponent("scripts/interop/grpclib_echo.py").path

  /// `$MODAL_TEST_VENV/bin/python` or `<package>/.venv/bin/python`; a missing venv is an error.
  static func python() throws -> String {
    let venv =
      ProcessInfo.processInfo.environment["MODAL_TEST_VENV"].flatMap { $0.isEmpty ? nil : $0 }
      ?? packageRoot.appendingPathComponent(".venv").path
    let python = venv + "/bin/python"
    guard FileManager.default.isExecutableFile(atPath: python) else {
      throw TestSetupError(
        "the test virtualenv is missing (\(python)): run scripts/test.sh (or scripts/setup.sh --test) to create it")
    }
    return python
  }

  /// Runs `body` with a helper process that printed "PORT <n>"; always terminates it after.
  static func withHelper<T>(_ arguments: [String], _ body: (Int) async throws -> T) async throws -> T {
    let helper = try await Helper(arguments)
    do {
      let result = try await body(helper.port)
      await helper.stop()
      return result
    } catch {
      await helper.stop()
      throw error
    }
  }

  /// A running helper process that printed "PORT <n>".
  final class Helper: @unchecked Sendable {
    let process: Process
    let port: Int
    private let exited = ExitWaiter()

    init(_ arguments: [String]) async throws {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: try PythonInterop.python())
      process.arguments = [PythonInterop.script] + arguments
      let output = Pipe()
      process.standardOutput = output
      process.standardError = FileHandle.standardError
      let found = PortWaiter()
      output.fileHandleForReading.readabilityHandler = { handle in
        found.feed(handle.availableData)
      }
      let exited = self.exited
      process.terminationHandler = { _ in exited.signal() }
      try process.run()
      self.process = process
      guard let port = await found.wait(timeout: .seconds(30)) else {
        process.terminate()
        throw TestSetupError("the Python helper \(arguments) did not report its port")
      }
      self.port = port
    }

    /// Kills the process and waits until it has exited (without blocking a thread).
    ///
    /// SIGKILL, because a child spawned by Foundation can inherit a mask that blocks SIGTERM.
    func stop() async {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
      await exited.wait()
    }

    deinit {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
  }

  /// Runs the grpclib client against `port` and returns its JSON report.
  static func runClient(port: Int, caPath: String? = nil, host: String = "127.0.0.1") async throws -> [String: Any] {
    var arguments = ["client", "--host", host, "--port", "\(port)"]
    if let caPath { arguments += ["--tls-ca", caPath] }
    return try await runReporting(arguments)
  }

  /// Runs the script with `arguments` to completion and returns the JSON object it printed.
  static func runReporting(_ arguments: [String]) async throws -> [String: Any] {
    let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("grpclib-\(UUID().uuidString).json")
    _ = FileManager.default.createFile(atPath: outputPath.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: outputPath) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try python())
    process.arguments = [script] + arguments
    let output = try FileHandle(forWritingTo: outputPath)
    process.standardOutput = output
    process.standardError = FileHandle.standardError
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
      process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
      do { try process.run() } catch {
        process.terminationHandler = nil
        continuation.resume(throwing: error)
      }
    }
    try output.close()
    let data = try Data(contentsOf: outputPath)
    guard status == 0, let report = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw TestSetupError("grpclib_echo.py \(arguments[0]) failed (status \(status)): \(String(decoding: data, as: UTF8.self))")
    }
    return report
  }
}

/// Collects output until a line "PORT <n>" appears.
final class PortWaiter: @unchecked Sendable {
  private let lock = NSLock()
  private var buffer = ""
  private var port: Int?
  private var continuation: CheckedContinuation<Int?, Never>?

  func feed(_ data: Data) {
    lock.lock()
    buffer += String(decoding: data, as: UTF8.self)
    if port == nil, let line = buffer.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }) {
      port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespaces))
    }
    let resume = port != nil ? continuation : nil
    if resume != nil { continuation = nil }
    lock.unlock()
    resume?.resume(returning: port)
  }

  func wait(timeout: Duration) async -> Int? {
    let timer = Task {
      try? await Task.sleep(for: timeout)
      self.expire()
    }
    defer { timer.cancel() }
    return await withCheckedContinuation { continuation in
      lock.lock()
      if let port {
        lock.unlock()
        continuation.resume(returning: port)
      } else {
        self.continuation = continuation
        lock.unlock()
      }
    }
  }

  private func expire() {
    lock.lock()
    let pending = continuation
    continuation = nil
    lock.unlock()
    pending?.resume(returning: nil)
  }
}

/// Signals once a process has exited.
final class ExitWaiter: @unchecked Sendable {
  private let lock = NSLock()
  private var done = false
  private var waiters: [CheckedContinuation<Void, Never>] = []

  func signal() {
    lock.lock()
    done = true
    let pending = waiters
    waiters = []
    lock.unlock()
    for waiter in pending { waiter.resume() }
  }

  func wait() async {
    await withCheckedContinuation { continuation in
      lock.lock()
      if done {
        lock.unlock()
        continuation.resume()
      } else {
        waiters.append(continuation)
        lock.unlock()
      }
    }
  }
}
