import Foundation
import RPC

/// A throwaway certificate authority and server certificates made with the `openssl` command.
struct TestCertificates {
  let directory: URL
  let caPEM: String
  let caPath: String
  /// Valid for localhost and 127.0.0.1, signed by the CA.
  let serverChainPEM: String
  let serverKeyPEM: String
  let serverChainPath: String
  let serverKeyPath: String
  /// Signed by the CA but only for "other.example" (hostname mismatch).
  let otherChainPEM: String
  let otherKeyPEM: String

  var serverTLS: ServerConfiguration.TLS {
    ServerConfiguration.TLS(certificateChainPEM: serverChainPEM, privateKeyPEM: serverKeyPEM)
  }
  var otherTLS: ServerConfiguration.TLS {
    ServerConfiguration.TLS(certificateChainPEM: otherChainPEM, privateKeyPEM: otherKeyPEM)
  }

  /// Generated once per test process, without blocking the cooperative thread pool.
  static func load() async throws -> TestCertificates {
    try await Cache.shared.get()
  }

  private actor Cache {
    static let shared = Cache()
    private var task: Task<TestCertificates, any Error>?

    func get() async throws -> TestCertificates {
      if let task { return try await task.value }
      let task = Task.detached { try await TestCertificates.generate() }
      self.task = task
      return try await task.value
    }
  }

  /// The CA and certificates made with the `openssl` command.
  private static func generateWithOpenSSL(_ openssl: String, in directory: URL) async throws {
    func run(_ arguments: [String]) async throws {
      let status = try await runProcess(openssl, arguments, in: directory)
      guard status == 0 else {
        throw TestSetupError("openssl \(arguments.joined(separator: " ")) failed with status \(status)")
      }
    }
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    try await run(
      ["req", "-x509"] + ec + [
        "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=modal-swift test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
      ])
    for (name, san) in [("server", "DNS:localhost,IP:127.0.0.1"), ("other", "DNS:other.example")] {
      try await run(["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
      try "subjectAltName=\(san)\nextendedKeyUsage=serverAuth\n".write(
        to: directory.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
      try await run([
        "x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "\(name).crt", "-days", "2", "-extfile", "\(name).ext",
      ])
    }
  }

  /// The same files made by scripts/interop/make_certs.py with Python's `cryptography`.
  ///
  /// Uses the test virtualenv, installing `cryptography` into it with pip if missing.
  private static func generateWithPython(in directory: URL) async throws {
    let python = try PythonInterop.python()
    if try await runProcess(python, ["-c", "import cryptography"]) != 0 {
      guard try await runProcess(python, ["-m", "pip", "install", "-q", "cryptography"]) == 0 else {
        throw TestSetupError("neither openssl nor Python cryptography is available: install openssl")
      }
    }
    let script = PythonInterop.packageRoot.appendingPathComponent("scripts/interop/make_certs.py").path
    guard try await runProcess(python, [script, directory.path]) == 0 else {
      throw TestSetupError("scripts/interop/make_certs.py failed")
    }
  }

  private static func generate() async throws -> TestCertificates {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rpc-tls-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    if let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
      .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
    {
      try await generateWithOpenSSL(openssl, in: directory)
    } else {
      try await generateWithPython(in: directory)
    }
    func read(_ name: String) throws -> String {
      try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }
    return TestCertificates(
      directory: directory, caPEM: try read("ca.crt"), caPath: directory.appendingPathComponent("ca.crt").path,
      serverChainPEM: try read("server.crt"), serverKeyPEM: try read("server.key"),
      serverChainPath: directory.appendingPathComponent("server.crt").path,
      serverKeyPath: directory.appendingPathComponent("server.key").path,
      otherChainPEM: try read("other.crt"), otherKeyPEM: try read("other.key"))
  }
}

/// A test could not set up what it needs.
struct TestSetupError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Runs a program to completion without blocking a thread; returns its exit status.
func runProcess(_ executable: String, _ arguments: [String], in directory: URL? = nil) async throws -> Int32 {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = directory }
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  return try await withCheckedThrowingContinuation { continuation in
    process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
    do {
      try process.run()
    } catch {
      process.terminationHandler = nil
      continuation.resume(throwing: error)
    }
  }
}
