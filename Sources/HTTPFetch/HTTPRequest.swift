/// An HTTP/1.1 request over http or https.
package struct HTTPRequest: Sendable {
  /// The absolute URL; only `http` and `https` are allowed.
  package var url: String
  /// The method (`GET`, `POST`, ...).
  package var method: String
  /// Header fields to send. Never logged: they may carry credentials.
  package var headers: [String: String]
  /// The body to send, or `nil` for none (a `POST` with an empty body sends `Content-Length: 0`).
  package var body: [UInt8]?
  /// How long the whole exchange may take, connecting included.
  package var timeout: Duration
  /// A PEM file of CA certificates to trust instead of the system's (a test CA, a private PKI).
  package var caFile: String?
  /// The largest response body accepted; a larger one fails with `responseTooLarge`.
  package var maximumResponseBytes: Int
  /// Whether redirects are followed (at most 5, to http or https only, and from https to https only).
  package var followsRedirects: Bool

  /// A request; by default a `GET` with a 10 s timeout, the system's CAs and a 1 MiB response limit.
  package init(
    url: String, method: String = "GET", headers: [String: String] = [:], body: [UInt8]? = nil,
    timeout: Duration = .seconds(10), caFile: String? = nil, maximumResponseBytes: Int = 1 << 20,
    followsRedirects: Bool = true
  ) {
    self.url = url
    self.method = method
    self.headers = headers
    self.body = body
    self.timeout = timeout
    self.caFile = caFile
    self.maximumResponseBytes = maximumResponseBytes
    self.followsRedirects = followsRedirects
  }

  /// The URL's scheme, lowercased, when it is `http` or `https`.
  var scheme: String? {
    guard let colon = url.firstIndex(of: ":") else { return nil }
    let scheme = url[..<colon].lowercased()
    return (scheme == "http" || scheme == "https") && url[colon...].hasPrefix("://") ? scheme : nil
  }

  /// The URL without credentials, path or query: what an error message may show.
  var origin: String {
    guard let scheme, let colon = url.firstIndex(of: ":") else { return "the URL" }
    let authority = url[colon...].dropFirst(3).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
    return scheme + "://" + host
  }

  /// Refuses what libcurl must not see: another scheme, control characters (which could smuggle a
  /// header or a second request), a method that is not a token, negative limits.
  func validated() throws(HTTPFetchError) {
    guard scheme != nil else { throw .badURL("it must start with http:// or https://") }
    guard !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
      throw .badURL("it contains spaces or control characters")
    }
    guard !method.isEmpty, method.unicodeScalars.allSatisfy({ Self.isTokenCharacter($0) }) else {
      throw .badRequest("the method is not an HTTP token")
    }
    for (name, value) in headers {
      guard !name.isEmpty, name.unicodeScalars.allSatisfy({ Self.isTokenCharacter($0) }) else {
        throw .badRequest("a header name is not an HTTP token")
      }
      guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
        throw .badRequest("the value of header \(name) contains a line break")
      }
    }
    guard maximumResponseBytes >= 0, timeout > .zero else {
      throw .badRequest("the timeout must be positive and the response limit not negative")
    }
  }

  private static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
    scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
  }
}

/// A response: the final one, after any redirects.
package struct HTTPResponse: Sendable, Equatable {
  /// The status code.
  package let status: Int
  /// Header fields with lowercased names; repeated fields joined with ", ".
  package let headers: [String: String]
  /// The body.
  package let body: [UInt8]

  /// A response.
  package init(status: Int, headers: [String: String], body: [UInt8]) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// The header `name` (any case), if present.
  package func header(_ name: String) -> String? { headers[name.lowercased()] }

  /// Parses raw header lines (`Name: value` after the status line; folded lines are joined).
  static func parseHeaders(_ raw: [UInt8]) -> [String: String] {
    var headers: [String: String] = [:]
    var lastName: String?
    for line in String(decoding: raw, as: UTF8.self).split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
      if line.hasPrefix("HTTP/") { continue }
      if let first = line.first, first == " " || first == "\t", let lastName {
        headers[lastName, default: ""] += " " + line.trimmingSpaces
        continue
      }
      guard let colon = line.firstIndex(of: ":") else { continue }
      let name = line[..<colon].lowercased()
      let value = line[line.index(after: colon)...].trimmingSpaces
      headers[name] = headers[name].map { $0 + ", " + value } ?? value
      lastName = name
    }
    return headers
  }
}

extension StringProtocol {
  /// Without leading and trailing spaces and tabs.
  fileprivate var trimmingSpaces: String {
    String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
  }
}
