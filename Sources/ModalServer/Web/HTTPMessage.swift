/// One HTTP request as the dashboard sees it: the method, the decoded path, the query arguments,
/// the headers (names lower-cased), the body and whether it came over TLS.
package struct HTTPRequest: Sendable {
  /// `GET`, `POST`, …
  package var method: String
  /// The percent-decoded path, without the query.
  package var path: String
  /// The query arguments (the last value of each name wins).
  package var query: [String: String]
  /// The names given more than once in the query, for endpoints that must refuse a repeated
  /// parameter (OAuth: RFC 6749 section 3.1).
  package var repeatedQueryNames: Set<String> = []
  /// The request headers, names lower-cased (repeated headers joined with `, `).
  package var headers: [String: String]
  /// The body bytes (bounded by the server's limit).
  package var body: [UInt8]
  /// Whether the request came over HTTPS.
  package var isSecure: Bool
  /// The client's IP address, as text (`""` if unknown).
  package var peer: String

  /// Creates a request.
  package init(
    method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = [],
    isSecure: Bool = false, peer: String = ""
  ) {
    self.method = method
    self.path = path
    self.query = query
    self.headers = headers
    self.body = body
    self.isSecure = isSecure
    self.peer = peer
  }

  /// The value of a header (case-insensitive name).
  package func header(_ name: String) -> String? { headers[name.lowercased()] }

  /// The cookies sent in `Cookie` headers (the first value of each name wins).
  package var cookies: [String: String] { Cookies.parse(header("cookie") ?? "") }
}

/// One HTTP response: status, headers (in order, names may repeat) and body.
package struct HTTPResponse: Sendable {
  /// The status code.
  package var status: Int
  /// The headers, in order.
  package var headers: [(name: String, value: String)]
  /// The body.
  package var body: [UInt8]

  /// Creates a response.
  package init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// An HTML page.
  package static func html(_ status: Int, _ page: HTML) -> HTTPResponse {
    HTTPResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(page.text.utf8))
  }

  /// Plain text.
  package static func text(_ status: Int, _ text: String) -> HTTPResponse {
    HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
  }

  /// A `303 See Other` to a local path.
  package static func redirect(to location: String) -> HTTPResponse {
    HTTPResponse(status: 303, headers: [("Location", location), ("Content-Type", "text/plain; charset=utf-8")], body: [])
  }

  /// The first value of a header (case-insensitive name).
  package func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }

  /// Adds a header.
  package mutating func add(_ name: String, _ value: String) { headers.append((name, value)) }

  /// Adds a header unless one with that name is already there.
  package mutating func addIfMissing(_ name: String, _ value: String) {
    if header(name) == nil { headers.append((name, value)) }
  }
}

/// The handler a server runs for every complete request.
package typealias HTTPHandler = @Sendable (HTTPRequest) async -> HTTPResponse
