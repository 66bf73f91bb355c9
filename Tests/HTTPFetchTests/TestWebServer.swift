import Foundation
import TestSupport

/// A loopback HTTP or HTTPS server in Python (`http.server`), with a throwaway CA made by
/// `openssl`, for the HTTPFetch tests. It stops when the value is released, and on its own after
/// two minutes, so a failed test never leaves it running.
final class TestWebServer: @unchecked Sendable {
  /// The CA certificate that signed the HTTPS server's certificate.
  let caFile: String
  /// The base URL, `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
  let baseURL: String
  private let folder: TemporaryFolder
  private let process: Process

  init(tls: Bool) throws {
    folder = TemporaryFolder()
    caFile = folder.path + "/ca.pem"
    if tls { try Self.makeCertificates(in: folder.path) }
    process = Process()
    process.executableURL = URL(fileURLWithPath: ReferenceClient.venv + "/bin/python")
    process.arguments = ["-c", Self.script, tls ? folder.path : ""]
    process.environment = ["PATH": "/usr/bin:/bin"]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let line = output.fileHandleForReading.readLine()
    guard let port = Int(line) else {
      process.terminate()
      throw TestWebServerError(message: "the test web server did not start")
    }
    baseURL = (tls ? "https" : "http") + "://127.0.0.1:\(port)"
  }

  /// Stops the server with SIGKILL (the child inherits blocked signals, SIGTERM included, from
  /// the test's thread) and polls for the exit, as `ModalServerProcess.stop` does: Foundation's
  /// `waitUntilExit` can hang off the main thread.
  deinit {
    kill(process.processIdentifier, SIGKILL)
    _ = process.waitForExit()
  }

  /// A CA, and a server certificate for 127.0.0.1 signed by it, valid one day.
  private static func makeCertificates(in folder: String) throws {
    let newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n".write(
      toFile: folder + "/server.ext", atomically: true, encoding: .utf8)
    let steps: [[String]] = [
      ["req", "-x509"] + newKey + [
        "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=HTTPFetch test CA", "-days", "1",
      ],
      ["req", "-new"] + newKey + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
      [
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        "server.pem", "-days", "1", "-extfile", "server.ext",
      ],
    ]
    for step in steps {
      let result = try ProcessRunner.run(
        "/usr/bin/openssl", step, environment: ["PATH": "/usr/bin:/bin"], currentDirectory: folder)
      guard result.status == 0 else { throw TestWebServerError(message: "openssl \(step[0]) failed: \(result.stderr)") }
    }
  }

  /// The server: /echo answers with the request as JSON, /slow after 3 s, /big with 2 MiB (sized),
  /// /big-unsized with 2 MiB until the connection closes, /to-echo, /to-file and /redirect?to=URL
  /// redirect, /missing is a 404.
  private static let script = #"""
    import http.server, json, os, ssl, sys, threading, time
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *args): pass
        def reply(self, status, body, headers=()):
            self.send_response(status)
            for name, value in headers: self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                self.route(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
        def route(self, body):
            if self.path == "/echo":
                doc = {"method": self.command, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body.decode()}
                self.reply(200, json.dumps(doc).encode(), [("Content-Type", "application/json"), ("X-Multi", "a"), ("X-Multi", "b")])
            elif self.path == "/slow":
                time.sleep(3)
                self.reply(200, b"late")
            elif self.path == "/big":
                self.reply(200, b"x" * (2 << 20))
            elif self.path == "/big-unsized":
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                for _ in range(64): self.wfile.write(b"y" * 32768)
                self.close_connection = True
            elif self.path == "/to-echo":
                self.reply(302, b"", [("Location", "/echo")])
            elif self.path.startswith("/redirect?to="):
                self.reply(302, b"", [("Location", self.path[len("/redirect?to="):])])
            elif self.path == "/to-file":
                self.reply(302, b"", [("Location", "file:///etc/passwd")])
            else:
                self.reply(404, b"missing")
        do_GET = do_POST = do_PUT = do_DELETE = handle_any
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if sys.argv[1]:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1] + "/server.pem", sys.argv[1] + "/server.key")
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Timer(120, lambda: os._exit(0)).start()
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#
}

extension FileHandle {
  /// One line (without its newline), reading byte by byte so nothing after it is consumed.
  fileprivate func readLine() -> String {
    var bytes: [UInt8] = []
    while bytes.count < 100, let byte = try? read(upToCount: 1)?.first, byte != 0x0A { bytes.append(byte) }
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// The test web server could not be set up.
struct TestWebServerError: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}
