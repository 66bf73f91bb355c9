import Foundation

/// A decoded `application/x-www-form-urlencoded` body (or query string), with bounds: at most
/// `maximumFields` fields of at most `maximumFieldBytes` bytes each, and valid UTF-8 only.
package struct FormData: Sendable {
  /// The fields in order (names may repeat, as with checkboxes).
  package let fields: [(name: String, value: String)]

  /// The most fields accepted.
  package static let maximumFields = 64
  /// The longest field value accepted, in bytes (pages enforce smaller limits per field).
  package static let maximumFieldBytes = 8192

  /// Why a body could not be decoded.
  package struct DecodeError: Error, Sendable, Equatable {
    /// What was wrong, safe to show.
    package let message: String
  }

  /// Decodes `body`; throws `DecodeError` for malformed percent escapes, invalid UTF-8 or limits.
  /// `maximumFieldBytes` is raised only by endpoints whose fields are long by nature (a JWT).
  package init(urlEncoded body: [UInt8], maximumFieldBytes: Int = FormData.maximumFieldBytes) throws(DecodeError) {
    var fields: [(String, String)] = []
    for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
      guard fields.count < Self.maximumFields else { throw DecodeError(message: "The form has too many fields.") }
      let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
      let name = try Self.decode(parts[0])
      let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
      guard value.utf8.count <= maximumFieldBytes, name.utf8.count <= 256 else {
        throw DecodeError(message: "A form field is too long.")
      }
      fields.append((name, value))
    }
    self.fields = fields
  }

  /// The first value of a field.
  package subscript(name: String) -> String? { fields.first { $0.name == name }?.value }

  /// Every value of a field.
  package func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

  private static func decode(_ bytes: ArraySlice<UInt8>) throws(DecodeError) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = bytes.startIndex
    while index < bytes.endIndex {
      let byte = bytes[index]
      if byte == UInt8(ascii: "+") {
        out.append(UInt8(ascii: " "))
      } else if byte == UInt8(ascii: "%") {
        guard index + 2 < bytes.endIndex,
          let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
        else {
          throw DecodeError(message: "The form is not correctly percent-encoded.")
        }
        out.append(high << 4 | low)
        index += 2
      } else {
        out.append(byte)
      }
      index += 1
    }
    guard let text = String(validating: out, as: UTF8.self) else {
      throw DecodeError(message: "The form is not valid UTF-8.")
    }
    return text
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}

/// Parses and formats cookies (RFC 6265).
package enum Cookies {
  /// The name/value pairs of a `Cookie` header; the first value of each name wins.
  package static func parse(_ header: String) -> [String: String] {
    var cookies: [String: String] = [:]
    for part in header.split(separator: ";").prefix(64) {
      let pair = part.split(separator: "=", maxSplits: 1)
      guard pair.count == 2 else { continue }
      let name = pair[0].trimmingCharacters(in: .whitespaces)
      var value = pair[1].trimmingCharacters(in: .whitespaces)
      if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
      if cookies[name] == nil { cookies[name] = value }
    }
    return cookies
  }

  /// A `Set-Cookie` value: `HttpOnly; SameSite=Lax; Path=/`, `Secure` when `secure`, and
  /// `Max-Age` (0 deletes the cookie; `nil` makes a browser-session cookie).
  package static func make(name: String, value: String, maxAge: Int?, secure: Bool) -> String {
    var cookie = "\(name)=\(value); Path=/; HttpOnly; SameSite=Lax"
    if let maxAge { cookie += "; Max-Age=\(maxAge)" }
    if secure { cookie += "; Secure" }
    return cookie
  }
}
