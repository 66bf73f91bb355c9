import Foundation

/// The Python stand-in for Modal's API (`scripts/interop/standin_server.py`, on the real
/// `modal_proto` of modal 1.6.4), started on 127.0.0.1 for one test and stopped with it.
public final class StandInServer: @unchecked Sendable {
  /// One request the stand-in received.
  public struct Request: Sendable {
    /// The method name, e.g. `ClientHello`.
    public let method: String
    /// The request headers in order.
    public let metadata: [(String, String)]
    /// Seconds left until the call's deadline when it arrived; nil when it had none.
    public let deadline: Double?
    /// The request as JSON (protobuf field names).
    public let body: [String: any Sendable]

    /// The first value of a header.
    public func header(_ name: String) -> String? { metadata.first { $0.0 == name }?.1 }
  }

  private let process: Process
  private let folder: TemporaryFolder
  /// The port it listens on.
  public let port: Int
  /// `http://127.0.0.1:<port>` (or `https://localhost:<port>` with TLS).
  public let url: String

  /// Starts the stand-in with a script (see the script's header comment for its format).
  public init(script: [String: Any], certificate: (cert: String, key: String)? = nil) throws {
    let executable: String
    switch ReferenceClient.executable() {
    case .success(let path): executable = URL(fileURLWithPath: path).deletingLastPathComponent().path + "/python"
    case .failure(let missing): throw missing
    }
    folder = TemporaryFolder()
    let scriptPath = folder.path + "/script.json"
    try JSONSerialization.data(withJSONObject: script).write(to: URL(fileURLWithPath: scriptPath))
    process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    var arguments = [
      ProcessRunner.packageRoot + "/scripts/interop/standin_server.py", "--script", scriptPath,
      "--log", folder.path + "/requests.jsonl", "--port-file", folder.path + "/port",
    ]
    if let certificate { arguments += ["--cert", certificate.cert, "--key", certificate.key] }
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle(forWritingAtPath: "/dev/null")
    try process.run()
    let deadline = Date().addingTimeInterval(20)
    var found: Int?
    while Date() < deadline, found == nil, process.isRunning {
      if let text = try? String(contentsOfFile: folder.path + "/port", encoding: .utf8) { found = Int(text) }
      if found == nil { usleep(20_000) }
    }
    guard let found else {
      kill(process.processIdentifier, SIGKILL)
      throw StandInError(message: "the stand-in server did not start within 20 s")
    }
    port = found
    url = certificate == nil ? "http://127.0.0.1:\(found)" : "https://localhost:\(found)"
  }

  deinit {
    // SIGKILL without waiting: Foundation reaps the child, and `waitUntilExit` can spin forever
    // when called from a test's cooperative thread.
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  }

  /// Every request received so far, in order.
  public func requests() -> [Request] {
    guard let text = try? String(contentsOfFile: folder.path + "/requests.jsonl", encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
      let pairs = (object["metadata"] as? [[String]] ?? []).compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
      let body = (object["request"] as? [String: Any] ?? [:]).mapValues { "\($0)" as any Sendable }
      return Request(
        method: object["method"] as? String ?? "", metadata: pairs, deadline: object["deadline"] as? Double, body: body)
    }
  }

  /// The requests for one method.
  public func requests(_ method: String) -> [Request] { requests().filter { $0.method == method } }
}

/// The stand-in could not be started.
public struct StandInError: Error, CustomStringConvertible {
  /// What went wrong.
  public let message: String
  /// The message.
  public var description: String { message }
}

/// A throwaway certificate authority and a server certificate for `localhost`, made with openssl.
public struct TestCertificates {
  /// The CA certificate (PEM file) that clients must trust.
  public let caPath: String
  /// The server certificate chain (PEM file).
  public let certificatePath: String
  /// The server key (PEM file).
  public let keyPath: String

  /// Generates the files in `folder`.
  public init(in folder: TemporaryFolder, host: String = "localhost") throws {
    caPath = folder.path + "/ca.pem"
    certificatePath = folder.path + "/server.pem"
    keyPath = folder.path + "/server.key"
    let commands = [
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder.path + "/ca.key", "-out", caPath, "-days", "2", "-subj", "/CN=modal-swift test CA"],
      ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", folder.path + "/server.csr", "-subj", "/CN=\(host)"],
    ]
    for arguments in commands {
      let result = try ProcessRunner.run("/usr/bin/openssl", arguments, environment: ["PATH": "/usr/bin:/bin"])
      guard result.status == 0 else { throw StandInError(message: "openssl failed: \(result.stderr)") }
    }
    let extensions = folder.path + "/ext.cnf"
    try "subjectAltName=DNS:\(host)\n".write(toFile: extensions, atomically: true, encoding: .utf8)
    let sign = try ProcessRunner.run(
      "/usr/bin/openssl",
      ["x509", "-req", "-in", folder.path + "/server.csr", "-CA", caPath, "-CAkey", folder.path + "/ca.key", "-CAcreateserial", "-out", certificatePath, "-days", "2", "-extfile", extensions],
      environment: ["PATH": "/usr/bin:/bin"])
    guard sign.status == 0 else { throw StandInError(message: "openssl failed: \(sign.stderr)") }
  }
}
