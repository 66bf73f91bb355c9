/// Reads and writes a flat JSON object of strings (`modal secret create --from-json`, the messages
/// of a credential helper).
package struct JSONObjectParser {
  /// A syntax error with its byte offset.
  package struct Failure: Error {
    /// What is wrong and where.
    package let message: String
  }

  let text: [UInt8]
  var index = 0

  /// A parser over UTF-8 text.
  package init(text: [UInt8]) { self.text = text }

  /// A flat object as JSON text, members in the given order.
  package static func render(_ members: [(String, String)]) -> String {
    "{" + members.map { quoted($0.0) + ":" + quoted($0.1) }.joined(separator: ",") + "}"
  }

  /// `text` as a JSON string literal with Python's `json.dumps` escapes (non-ASCII kept as it is).
  package static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// The members of the top-level object; numbers, booleans and null become their JSON text.
  package mutating func parseStringObject() throws(Failure) -> [(String, String)] {
    skipSpace()
    try expect(UInt8(ascii: "{"))
    var pairs: [(String, String)] = []
    skipSpace()
    if peek() == UInt8(ascii: "}") {
      index += 1
      return pairs
    }
    while true {
      skipSpace()
      let key = try string()
      skipSpace()
      try expect(UInt8(ascii: ":"))
      skipSpace()
      let value: String
      if peek() == UInt8(ascii: "\"") {
        value = try string()
      } else {
        let start = index
        while let byte = peek(), byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), !isSpace(byte) { index += 1 }
        value = String(decoding: text[start..<index], as: UTF8.self)
        guard value == "true" || value == "false" || Double(value) != nil else {
          throw Failure(message: "the value of \"\(key)\" at byte \(start) must be a string")
        }
      }
      pairs.append((key, value))
      skipSpace()
      if peek() == UInt8(ascii: ",") {
        index += 1
        continue
      }
      try expect(UInt8(ascii: "}"))
      skipSpace()
      guard index == text.count else { throw Failure(message: "unexpected text after the object at byte \(index)") }
      return pairs
    }
  }

  private func peek() -> UInt8? { index < text.count ? text[index] : nil }
  private func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }
  private mutating func skipSpace() { while let byte = peek(), isSpace(byte) { index += 1 } }

  private mutating func expect(_ byte: UInt8) throws(Failure) {
    guard peek() == byte else {
      throw Failure(message: "expected '\(Character(Unicode.Scalar(byte)))' at byte \(index)")
    }
    index += 1
  }

  private mutating func string() throws(Failure) -> String {
    try expect(UInt8(ascii: "\""))
    var bytes: [UInt8] = []
    while let byte = peek() {
      index += 1
      switch byte {
      case UInt8(ascii: "\""): return String(decoding: bytes, as: UTF8.self)
      case UInt8(ascii: "\\"):
        guard let next = peek() else { break }
        index += 1
        switch next {
        case UInt8(ascii: "n"): bytes.append(10)
        case UInt8(ascii: "t"): bytes.append(9)
        case UInt8(ascii: "r"): bytes.append(13)
        case UInt8(ascii: "b"): bytes.append(8)
        case UInt8(ascii: "f"): bytes.append(12)
        case UInt8(ascii: "u"):
          guard index + 4 <= text.count, let code = UInt32(String(decoding: text[index..<index + 4], as: UTF8.self), radix: 16),
            let scalar = Unicode.Scalar(code)
          else { throw Failure(message: "bad \\u escape at byte \(index)") }
          index += 4
          bytes += Array(String(Character(scalar)).utf8)
        default: bytes.append(next)
        }
      default: bytes.append(byte)
      }
    }
    throw Failure(message: "unterminated string")
  }
}
