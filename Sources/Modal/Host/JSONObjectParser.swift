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
  ///
  /// Works on the UTF-8 bytes: every byte to escape is ASCII, and the bytes of a non-ASCII
  /// character are all 0x80 or above, so they pass through whole (going by Unicode scalars cost
  /// `modal config show` a seventh of its own time).
  package static func quoted(_ text: String) -> String {
    var out: [UInt8] = [UInt8(ascii: "\"")]
    out.reserveCapacity(text.utf8.count + 2)
    for byte in text.utf8 {
      if let escape = shortEscape(byte) {
        out.append(UInt8(ascii: "\\"))
        out.append(escape)
      } else if byte < 0x20 {
        out.append(contentsOf: "\\u00".utf8)
        out.append(hexDigit(byte >> 4))
        out.append(hexDigit(byte & 0x0F))
      } else {
        out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
    return String(decoding: out, as: UTF8.self)
  }

  /// The letter after the backslash of a byte with a short JSON escape, nil for the others.
  private static func shortEscape(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "\""): UInt8(ascii: "\"")
    case UInt8(ascii: "\\"): UInt8(ascii: "\\")
    case UInt8(ascii: "\n"): UInt8(ascii: "n")
    case UInt8(ascii: "\r"): UInt8(ascii: "r")
    case UInt8(ascii: "\t"): UInt8(ascii: "t")
    case 0x08: UInt8(ascii: "b")
    case 0x0C: UInt8(ascii: "f")
    default: nil
    }
  }

  /// The lower-case hex digit of `value` (0-15), as Python writes `\u001f`.
  private static func hexDigit(_ value: UInt8) -> UInt8 {
    value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
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
