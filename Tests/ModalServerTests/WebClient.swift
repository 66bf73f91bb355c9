import Foundation
import ModalServer
import TestSupport

/// A tiny HTTP/1.1 client over a raw socket (one request per connection, `Connection: close`),
/// with a cookie jar, for the dashboard tests; it can also send arbitrary bytes.
final class WebClient: @unchecked Sendable {
  let port: Int
  /// The loopback address requests come from (the client address the server sees).
  let source: String?
  var cookies: [String: String] = [:]

  struct Response {
    let status: Int
    let headers: [(String, String)]
    let body: String

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    func all(_ name: String) -> [String] { headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1) }
    /// The CSRF token in the first form of the page.
    var csrf: String? { body.firstMatch(of: /name="csrf" value="([0-9a-f]{64})"/).map { String($0.1) } }
  }

  init(port: Int, source: String? = nil) {
    self.port = port
    self.source = source
  }

  /// Sends raw bytes and returns everything the server answered until it closed.
  static func raw(port: Int, _ bytes: [UInt8]) -> [UInt8] {  // blocking: call from a dispatch thread
    LoopbackSocket.exchange(port: port, bytes)
  }

  static func parse(_ bytes: [UInt8]) -> Response {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { return Response(status: 0, headers: [], body: text) }
    let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
    let status = head.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    let headers = head.dropFirst().compactMap { line -> (String, String)? in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    return Response(status: status, headers: headers, body: String(text[split.upperBound...]))
  }

  /// Sends a request on a dispatch thread (never blocking Swift's cooperative pool, which the
  /// server's handlers need).
  @discardableResult
  func request(
    _ method: String, _ path: String, form: [(String, String)]? = nil, rawBody: String? = nil, headers: [(String, String)] = []
  ) async -> Response {
    return await withCheckedContinuation { continuation in
      // A serial queue of its own gets a thread of its own: the global pool's few threads could
      // all be blocked in requests whose answers need the server's handlers.
      DispatchQueue(label: "web-client.request").async {
        let response = self.requestBlocking(method, path, form: form, rawBody: rawBody, headers: headers)
        continuation.resume(returning: response)
      }
    }
  }

  /// Sends a request with the jar's cookies; stores the cookies it sets.
  func requestBlocking(
    _ method: String, _ path: String, form: [(String, String)]? = nil, rawBody: String? = nil, headers: [(String, String)] = []
  ) -> Response {
    var body = rawBody ?? ""
    if let form {
      var allowed = CharacterSet.alphanumerics
      allowed.insert(charactersIn: "-._~")
      body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
    if !cookies.isEmpty { head += "Cookie: " + cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") + "\r\n" }
    if form != nil || rawBody != nil {
      if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
        head += "Content-Type: application/x-www-form-urlencoded\r\n"
      }
      head += "Content-Length: \(body.utf8.count)\r\n"
    }
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    let response = Self.parse(LoopbackSocket.exchange(port: port, Array((head + "\r\n" + body).utf8), source: source))
    for cookie in response.all("Set-Cookie") {
      let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
      guard pair.count == 2 || pair.count == 1 else { continue }
      let name = String(pair[0])
      let value = pair.count == 2 ? String(pair[1]) : ""
      if value.isEmpty || cookie.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
    }
    return response
  }

  /// Signs up through the form; returns the final response (a 303 on success).
  @discardableResult
  func signUp(email: String, password: String, workspace: String) async -> Response {
    let page = await request("GET", "/signup")
    return await request("POST", "/signup", form: [("csrf", page.csrf ?? ""), ("email", email), ("password", password), ("workspace", workspace)])
  }

  /// Logs in through the form.
  @discardableResult
  func logIn(email: String, password: String) async -> Response {
    let page = await request("GET", "/login")
    return await request("POST", "/login", form: [("csrf", page.csrf ?? ""), ("email", email), ("password", password), ("next", "/")])
  }
}
