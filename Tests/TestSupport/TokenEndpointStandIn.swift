import Foundation

/// A loopback stand-in for a server's token endpoint (`POST /oauth/token`, RFC 8693) and for
/// GitHub Actions' token service (`GET /gh`), in Python's `http.server`, for the federation
/// provider's tests. Each exchange takes 300 ms, so concurrent callers overlap; it counts them.
/// ``failExchanges(with:)`` makes it refuse every exchange until told otherwise.
/// It stops when the value is released, and on its own after two minutes.
public final class TokenEndpointStandIn: @unchecked Sendable {
  /// `http://127.0.0.1:PORT/oauth/token`.
  public let endpoint: String
  /// `http://127.0.0.1:PORT/gh?api-version=2.0`, answering `{"value": TOKEN}` to the bearer
  /// `gh-request-token`: the content of `githubTokenFile`, read per request, else `gh-oidc-token`.
  public let githubURL: String
  private let base: String
  private let process: Process

  /// Starts it; minted tokens live `expiresIn` seconds. A subject token `refused` gets
  /// `invalid_grant`. `githubTokenFile` holds what the GitHub stand-in serves.
  public init(expiresIn: Int, githubTokenFile: String? = nil) throws {
    process = Process()
    process.executableURL = URL(fileURLWithPath: ReferenceClient.venv + "/bin/python")
    process.arguments = ["-c", Self.script, String(expiresIn), githubTokenFile ?? ""]
    process.environment = ["PATH": "/usr/bin:/bin"]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let line = String(decoding: output.fileHandleForReading.availableLine(), as: UTF8.self)
    guard let port = Int(line) else {
      kill(process.processIdentifier, SIGKILL)
      throw TokenEndpointStandInError()
    }
    base = "http://127.0.0.1:\(port)"
    endpoint = base + "/oauth/token"
    githubURL = base + "/gh?api-version=2.0"
  }

  /// Stops the stand-in (SIGKILL, then waits for the exit).
  deinit {
    kill(process.processIdentifier, SIGKILL)
    _ = process.waitForExit()
  }

  /// What the stand-in saw: exchanges so far, the last subject token and GitHub audience, the
  /// exchanges it refused on demand, and the `audience` (workspace) of the last exchange.
  public func seen() throws -> (exchanges: Int, lastSubject: String, audience: String, refused: Int, workspace: String) {
    let data = try Data(contentsOf: URL(string: base + "/seen")!)
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    return (
      object["exchanges"] as? Int ?? -1, object["subject"] as? String ?? "", object["audience"] as? String ?? "",
      object["refused"] as? Int ?? -1, object["workspace"] as? String ?? ""
    )
  }

  /// From now on, refuses every exchange with the RFC 6749 error `code` (HTTP 503 for
  /// `temporarily_unavailable`, else 400); nil answers them again.
  public func failExchanges(with code: String?) throws {
    _ = try Data(contentsOf: URL(string: base + "/fail?code=" + (code ?? ""))!)
  }

  private static let script = #"""
    import http.server, json, os, sys, threading, time, urllib.parse
    lock = threading.Lock()
    seen = {"exchanges": 0, "subject": "", "audience": "", "refused": 0, "workspace": ""}
    failing = {"code": ""}
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *args): pass
        def reply(self, status, doc):
            body = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def do_GET(self):
            if self.path == "/seen":
                with lock: self.reply(200, seen)
            elif self.path.startswith("/fail?"):
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                with lock: failing["code"] = query.get("code", [""])[0]
                self.reply(200, {})
            elif self.path.startswith("/gh?"):
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                if self.headers.get("Authorization") != "bearer gh-request-token":
                    return self.reply(401, {"message": "bad request token"})
                with lock: seen["audience"] = query.get("audience", [""])[0]
                token = open(sys.argv[2]).read().strip() if sys.argv[2] else "gh-oidc-token"
                self.reply(200, {"value": token})
            else:
                self.reply(404, {})
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            if self.path != "/oauth/token" or self.headers.get("Content-Type") != "application/x-www-form-urlencoded":
                return self.reply(400, {"error": "invalid_request", "error_description": "wrong path or content type"})
            if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:token-exchange"] or \
               form.get("subject_token_type") != ["urn:ietf:params:oauth:token-type:id_token"]:
                return self.reply(400, {"error": "unsupported_grant_type", "error_description": "not a token exchange"})
            subject = form["subject_token"][0]
            if subject == "refused":
                return self.reply(400, {"error": "invalid_grant", "error_description": "aud does not contain the policy's audience"})
            with lock:
                code = failing["code"]
                if code: seen["refused"] += 1
            if code:
                return self.reply(503 if code == "temporarily_unavailable" else 400,
                                  {"error": code, "error_description": "the stand-in refuses exchanges on demand"})
            time.sleep(0.3)
            with lock:
                seen["exchanges"] += 1
                seen["subject"] = subject
                seen["workspace"] = form.get("audience", [""])[0]
                n = seen["exchanges"]
            secret = "as-fedsecret%d" % n  # short: not a checksummed shape, so not checked offline
            self.reply(200, {"access_token": "ak-fed%d:%s" % (n, secret), "token_id": "ak-fed%d" % n,
                             "token_secret": secret, "expires_in": int(sys.argv[1]), "token_type": "N_A",
                             "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                             "workspace": "acme", "environment": "prod", "scope": "read"})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Timer(120, lambda: os._exit(0)).start()
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#
}

/// The token endpoint stand-in did not start.
public struct TokenEndpointStandInError: Error, CustomStringConvertible {
  /// What went wrong.
  public var description: String { "the token endpoint stand-in did not start" }
}

extension FileHandle {
  /// One line (without its newline), read byte by byte so nothing after it is consumed.
  fileprivate func availableLine() -> [UInt8] {
    var bytes: [UInt8] = []
    while bytes.count < 100, let byte = try? read(upToCount: 1)?.first, byte != 0x0A { bytes.append(byte) }
    return bytes
  }
}
