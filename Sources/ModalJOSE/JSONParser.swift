/// A strict RFC 8259 parser over UTF-8 bytes, with a nesting limit so hostile input cannot
/// exhaust the stack.
struct JSONParser {
  /// Deeper nesting than any JOSE structure needs.
  static let maximumDepth = 64

  private let bytes: [UInt8]
  private var index = 0
  private var depth = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// One value and nothing but white space after it.
  mutating func parseDocument() throws(JOSEError) -> JSONValue {
    let value = try parseValue()
    skipWhitespace()
    guard index == bytes.count else { throw .invalidJSON("text after the JSON value") }
    return value
  }

  private mutating func parseValue() throws(JOSEError) -> JSONValue {
    skipWhitespace()
    guard let byte = peek() else { throw .invalidJSON("unexpected end") }
    switch byte {
    case UInt8(ascii: "{"):
      return try nested { (parser: inout JSONParser) throws(JOSEError) in try parser.parseObject() }
    case UInt8(ascii: "["):
      return try nested { (parser: inout JSONParser) throws(JOSEError) in try parser.parseArray() }
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try expect("true"); return .bool(true)
    case UInt8(ascii: "f"): try expect("false"); return .bool(false)
    case UInt8(ascii: "n"): try expect("null"); return .null
    default: return .number(try parseNumber())
    }
  }

  private mutating func nested(
    _ body: (inout JSONParser) throws(JOSEError) -> JSONValue
  ) throws(JOSEError) -> JSONValue {
    depth += 1
    defer { depth -= 1 }
    guard depth <= Self.maximumDepth else { throw .invalidJSON("nesting deeper than \(Self.maximumDepth)") }
    return try body(&self)
  }

  private mutating func parseObject() throws(JOSEError) -> JSONValue {
    index += 1
    var members: [String: JSONValue] = [:]
    skipWhitespace()
    if peek() == UInt8(ascii: "}") { index += 1; return .object(members) }
    while true {
      skipWhitespace()
      guard peek() == UInt8(ascii: "\"") else { throw .invalidJSON("an object key that is not a string") }
      let key = try parseString()
      skipWhitespace()
      guard next() == UInt8(ascii: ":") else { throw .invalidJSON("a missing ':' after an object key") }
      guard members.updateValue(try parseValue(), forKey: key) == nil else {
        throw .invalidJSON("a duplicate object key")
      }
      skipWhitespace()
      switch next() {
      case UInt8(ascii: ","): continue
      case UInt8(ascii: "}"): return .object(members)
      default: throw .invalidJSON("a missing ',' or '}' in an object")
      }
    }
  }

  private mutating func parseArray() throws(JOSEError) -> JSONValue {
    index += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if peek() == UInt8(ascii: "]") { index += 1; return .array(elements) }
    while true {
      elements.append(try parseValue())
      skipWhitespace()
      switch next() {
      case UInt8(ascii: ","): continue
      case UInt8(ascii: "]"): return .array(elements)
      default: throw .invalidJSON("a missing ',' or ']' in an array")
      }
    }
  }

  private mutating func parseString() throws(JOSEError) -> String {
    index += 1
    var scalars = String.UnicodeScalarView()
    var run: [UInt8] = []
    while true {
      guard let byte = next() else { throw .invalidJSON("an unterminated string") }
      switch byte {
      case UInt8(ascii: "\""):
        if scalars.isEmpty {
          // No escape: the bytes are the string (most are so; skips a trip through scalars).
          guard let text = String(validating: run, as: UTF8.self) else { throw .invalidJSON("invalid UTF-8 in a string") }
          return text
        }
        try flush(&run, into: &scalars)
        return String(scalars)
      case UInt8(ascii: "\\"):
        try flush(&run, into: &scalars)
        scalars.append(try parseEscape())
      case 0..<0x20: throw .invalidJSON("a control character in a string")
      default: run.append(byte)
      }
    }
  }

  /// Appends raw UTF-8 bytes read so far, refusing invalid UTF-8.
  private func flush(_ run: inout [UInt8], into scalars: inout String.UnicodeScalarView) throws(JOSEError) {
    guard !run.isEmpty else { return }
    guard let text = String(validating: run, as: UTF8.self) else { throw .invalidJSON("invalid UTF-8 in a string") }
    scalars.append(contentsOf: text.unicodeScalars)
    run.removeAll(keepingCapacity: true)
  }

  private mutating func parseEscape() throws(JOSEError) -> Unicode.Scalar {
    switch next() {
    case UInt8(ascii: "\""): return "\""
    case UInt8(ascii: "\\"): return "\\"
    case UInt8(ascii: "/"): return "/"
    case UInt8(ascii: "b"): return "\u{08}"
    case UInt8(ascii: "f"): return "\u{0C}"
    case UInt8(ascii: "n"): return "\n"
    case UInt8(ascii: "r"): return "\r"
    case UInt8(ascii: "t"): return "\t"
    case UInt8(ascii: "u"):
      var unit = try parseHex4()
      if (0xD800..<0xDC00).contains(unit) {
        guard next() == UInt8(ascii: "\\"), next() == UInt8(ascii: "u") else {
          throw .invalidJSON("an unpaired surrogate escape")
        }
        let low = try parseHex4()
        guard (0xDC00..<0xE000).contains(low) else { throw .invalidJSON("an unpaired surrogate escape") }
        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
      }
      guard let scalar = Unicode.Scalar(unit) else { throw .invalidJSON("an unpaired surrogate escape") }
      return scalar
    default: throw .invalidJSON("an unknown escape in a string")
    }
  }

  private mutating func parseHex4() throws(JOSEError) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard let byte = next(), let digit = Self.hexDigit(byte) else { throw .invalidJSON("a bad \\u escape") }
      value = value << 4 | digit
    }
    return value
  }

  private static func hexDigit(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
  }

  /// A number in JSON's grammar (`-? int frac? exp?`), converted with Swift's `Double` parser.
  private mutating func parseNumber() throws(JOSEError) -> Double {
    let start = index
    if peek() == UInt8(ascii: "-") { index += 1 }
    if peek() == UInt8(ascii: "0") {
      index += 1
    } else {
      guard skipDigits() else { throw .invalidJSON("an unexpected character") }
    }
    if peek() == UInt8(ascii: ".") {
      index += 1
      guard skipDigits() else { throw .invalidJSON("a number without digits after '.'") }
    }
    if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
      index += 1
      if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
      guard skipDigits() else { throw .invalidJSON("a number without exponent digits") }
    }
    guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)), value.isFinite else {
      throw .invalidJSON("a number out of range")
    }
    return value
  }

  /// Skips one or more digits; false when there is none.
  private mutating func skipDigits() -> Bool {
    let start = index
    while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
    return index > start
  }

  private mutating func expect(_ word: String) throws(JOSEError) {
    let expected = Array(word.utf8)
    guard index + expected.count <= bytes.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
      throw .invalidJSON("an unexpected word")
    }
    index += expected.count
  }

  private mutating func skipWhitespace() {
    while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
  }

  private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

  private mutating func next() -> UInt8? {
    defer { index += 1 }
    return peek()
  }
}
