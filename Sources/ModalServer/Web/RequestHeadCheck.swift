import Foundation

/// What RFC 9112 says a server must refuse in a request head, checked on what libmicrohttpd parsed
/// (it accepts these leniently): each refusal is answered and the connection closed, because a
/// proxy in front may have read the same bytes as a different request (request smuggling).
enum RequestHeadCheck {
  /// One header line as received (name as sent, value without the surrounding blanks).
  typealias Field = (name: String, value: String)

  /// The answer to a head that must be refused, or nil when it may be served.
  ///
  /// `version` is the request line's protocol (`HTTP/1.1`), `fields` the header lines in order,
  /// `targetIsClean` whether the request target held no blank or control byte (RFC 9112 3.2: one
  /// SP on each side of it) and `linesAreClean` whether no header line held a NUL or was folded.
  static func refusal(version: String, fields: [Field], targetIsClean: Bool, linesAreClean: Bool) -> HTTPResponse? {
    guard targetIsClean else { return badRequest("The request line is malformed (blanks or control bytes in the target).") }
    guard linesAreClean else { return badRequest("A header line holds a NUL byte or is folded onto the line before.") }
    for field in fields {
      guard isToken(field.name) else { return badRequest("A header name is not a token (blanks before the colon?).") }
      guard field.value.unicodeScalars.allSatisfy({ $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }) else {
        return badRequest("A header value holds a control byte.")
      }
    }
    let lengths = values(of: "content-length", in: fields)
    let encodings = values(of: "transfer-encoding", in: fields)
    if !encodings.isEmpty && !lengths.isEmpty {
      return badRequest("A request must not have both Content-Length and Transfer-Encoding.")
    }
    if let problem = lengthProblem(lengths) { return badRequest(problem) }
    if !encodings.isEmpty {
      guard version == "HTTP/1.1" else { return badRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request.") }
      guard encodings.count == 1, encodings[0].lowercased() == "chunked" else {
        return refuse(501, "The only transfer coding accepted is chunked.")
      }
    }
    if version == "HTTP/1.1" && values(of: "host", in: fields).count != 1 {
      return badRequest("An HTTP/1.1 request must have exactly one Host header.")
    }
    return nil
  }

  /// Why the Content-Length values cannot frame a body (RFC 9112 6.3: each a run of digits, all
  /// equal, a list of them included), or nil.
  private static func lengthProblem(_ values: [String]) -> String? {
    guard !values.isEmpty else { return nil }
    guard values.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 18 && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }) else {
      return "Content-Length must be a number."
    }
    return Set(values.map { $0.drop { $0 == "0" } }).count == 1 ? nil : "Content-Length headers disagree."
  }

  /// Every value of a field, case-insensitive name, comma-separated lists split and trimmed.
  private static func values(of name: String, in fields: [Field]) -> [String] {
    fields.filter { $0.name.lowercased() == name }.flatMap { field in
      field.value.split(separator: ",", omittingEmptySubsequences: false).map {
        String($0).trimmingCharacters(in: [" ", "\t"])
      }
    }
  }

  /// Whether a name is an RFC 9110 token (visible ASCII except delimiters).
  private static func isToken(_ name: String) -> Bool {
    !name.isEmpty && name.utf8.allSatisfy { byte in
      (0x21...0x7E).contains(byte) && !"\"(),/:;<=>?@[\\]{}".utf8.contains(byte)
    }
  }

  /// Whether a raw request target holds only visible ASCII (no blank, control or 8-bit byte).
  static func isCleanTarget(_ bytes: UnsafePointer<CChar>) -> Bool {
    var pointer = bytes
    while pointer.pointee != 0 {
      let byte = UInt8(bitPattern: pointer.pointee)
      guard (0x21...0x7E).contains(byte) else { return false }
      pointer += 1
    }
    return true
  }

  private static func badRequest(_ text: String) -> HTTPResponse { refuse(400, text) }

  private static func refuse(_ status: Int, _ text: String) -> HTTPResponse {
    var response = HTTPResponse.text(status, text + "\n")
    response.add("Connection", "close")
    return response
  }
}
