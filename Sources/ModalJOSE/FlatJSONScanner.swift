/// Reads, in place and without allocating, the one shape JWT headers and claim sets nearly always
/// have: a JSON object whose members are ASCII strings without escapes, whole numbers of at most
/// 15 digits, `true`, `false`, `null`, or arrays of such strings.
///
/// It never decides that a text is wrong: on anything else (nesting, an escape, a fraction or
/// exponent, a non-ASCII byte, more than `maximumMembers` members, a repeated key, invalid JSON) it
/// gives up, and the caller parses with `JSONValue`, whose answer (a value or a refusal) stands.
/// Each rule here is a narrowing of RFC 8259 as `JSONParser` reads it, so what it accepts
/// `JSONParser` accepts with the same values.
struct FlatJSONScanner {
  /// More members than a JWT header or client assertion has; keys are compared pairwise for
  /// duplicates, so the number is kept small.
  static let maximumMembers = 16
  /// The largest number of digits read as an `Int` (below 1e15, exact as a `Double` too).
  static let maximumDigits = 15

  /// One member's value: ranges are offsets into the scanned bytes.
  enum Value {
    /// A string's bytes, quotes excluded.
    case string(Range<Int>)
    /// A whole number.
    case integer(Int)
    /// An array of strings, brackets included (read its elements with `strings(inArray:of:)`).
    case stringArray(Range<Int>)
    /// `true`, `false` or `null`.
    case literal
  }

  private let bytes: UnsafeBufferPointer<UInt8>
  private var index: Int

  private init(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int = 0) {
    self.bytes = bytes
    self.index = index
  }

  /// Calls `visit` with each member's key (its bytes' range) and value, in order. Returns `false`
  /// when `bytes` is not one object of this shape, or when `visit` returned `false`.
  static func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ visit: (Range<Int>, Value) -> Bool) -> Bool {
    var scanner = FlatJSONScanner(bytes)
    return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: maximumMembers) { keys in
      scanner.scanObject(keys: keys, visit)
    }
  }

  /// The strings of an array `scan` reported as `.stringArray(range)` over the same `bytes`.
  static func strings(inArray range: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>) -> [String] {
    var scanner = FlatJSONScanner(bytes, from: range.lowerBound + 1)
    var strings: [String] = []
    scanner.skipWhitespace()
    while let string = scanner.scanString() {
      strings.append(text(string, of: bytes))
      scanner.skipWhitespace()
      _ = scanner.take(",")
      scanner.skipWhitespace()
    }
    return strings
  }

  /// The text of a string `scan` reported (ASCII, so decoding cannot replace anything).
  static func text(_ range: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
  }

  /// Whether the bytes in `range` are `name`.
  static func bytes(_ range: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>, are name: StaticString) -> Bool {
    name.withUTF8Buffer { bytes[range].elementsEqual($0) }
  }

  private mutating func scanObject(
    keys: UnsafeMutableBufferPointer<Range<Int>>, _ visit: (Range<Int>, Value) -> Bool
  ) -> Bool {
    skipWhitespace()
    guard take("{") else { return false }
    skipWhitespace()
    var count = 0
    if !take("}") {
      repeat {
        skipWhitespace()
        guard count < keys.count, let key = scanString() else { return false }
        // A repeated key reads two ways: JSONParser refuses it, so let it say so.
        for seen in keys[..<count] where bytes[seen].elementsEqual(bytes[key]) { return false }
        keys[count] = key
        count += 1
        skipWhitespace()
        guard take(":") else { return false }
        skipWhitespace()
        guard let value = scanValue(), visit(key, value) else { return false }
        skipWhitespace()
      } while take(",")
      guard take("}") else { return false }
    }
    skipWhitespace()
    return index == bytes.count
  }

  private mutating func scanValue() -> Value? {
    guard index < bytes.count else { return nil }
    switch bytes[index] {
    case UInt8(ascii: "\""): return scanString().map(Value.string)
    case UInt8(ascii: "["): return scanStringArray()
    case UInt8(ascii: "t"): return take("true") ? .literal : nil
    case UInt8(ascii: "f"): return take("false") ? .literal : nil
    case UInt8(ascii: "n"): return take("null") ? .literal : nil
    default: return scanInteger().map(Value.integer)
    }
  }

  /// A string of printable ASCII without escapes; its range without the quotes.
  private mutating func scanString() -> Range<Int>? {
    guard take("\"") else { return nil }
    let start = index
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        return start..<index - 1
      }
      guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
      index += 1
    }
    return nil
  }

  private mutating func scanStringArray() -> Value? {
    let start = index
    index += 1
    skipWhitespace()
    if !take("]") {
      repeat {
        skipWhitespace()
        guard scanString() != nil else { return nil }
        skipWhitespace()
      } while take(",")
      guard take("]") else { return nil }
    }
    return .stringArray(start..<index)
  }

  /// `-?(0|[1-9][0-9]*)` with at most `maximumDigits` digits. What follows is left to the caller's
  /// structure check: a fraction, exponent or second leading zero is not `,`, `}` or space.
  private mutating func scanInteger() -> Int? {
    let negative = take("-")
    let start = index
    var value = 0
    while index < bytes.count, let digit = Self.digit(bytes[index]) {
      guard index - start < Self.maximumDigits, !(index > start && value == 0) else { return nil }
      value = value * 10 + digit
      index += 1
    }
    guard index > start else { return nil }
    return negative ? -value : value
  }

  private static func digit(_ byte: UInt8) -> Int? {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
  }

  /// Consumes `word` if the bytes at the index are it.
  private mutating func take(_ word: StaticString) -> Bool {
    let matched = word.withUTF8Buffer { word in
      index + word.count <= bytes.count && bytes[index..<index + word.count].elementsEqual(word)
    }
    if matched { index += word.utf8CodeUnitCount }
    return matched
  }

  private mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x0A, 0x0D, 0x09: index += 1
      default: return
      }
    }
  }
}
