/// A CBOR value (RFC 8949), as far as WebAuthn needs: attestation objects and COSE keys.
package indirect enum CBOR: Sendable, Hashable {
  /// Major type 0.
  case unsigned(UInt64)
  /// Major type 1: the value is -1 - n.
  case negative(UInt64)
  /// Major type 2.
  case bytes([UInt8])
  /// Major type 3.
  case text(String)
  /// Major type 4.
  case array([CBOR])
  /// Major type 5, in the order encoded.
  case map([(key: CBOR, value: CBOR)])
  /// Simple values false and true.
  case bool(Bool)
  /// Simple value null.
  case null

  /// The value of `key` in a map.
  package subscript(key: CBOR) -> CBOR? {
    guard case .map(let entries) = self else { return nil }
    return entries.first { $0.key == key }?.value
  }

  /// An integer value as `Int64`, if it is one that fits.
  package var integer: Int64? {
    switch self {
    case .unsigned(let n): n <= UInt64(Int64.max) ? Int64(n) : nil
    case .negative(let n): n <= UInt64(Int64.max) ? -1 - Int64(n) : nil
    default: nil
    }
  }

  package static func == (lhs: CBOR, rhs: CBOR) -> Bool {
    switch (lhs, rhs) {
    case (.unsigned(let a), .unsigned(let b)), (.negative(let a), .negative(let b)): a == b
    case (.bytes(let a), .bytes(let b)): a == b
    case (.text(let a), .text(let b)): a == b
    case (.array(let a), .array(let b)): a == b
    case (.map(let a), .map(let b)):
      a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    case (.bool(let a), .bool(let b)): a == b
    case (.null, .null): true
    default: false
    }
  }

  package func hash(into hasher: inout Hasher) {
    switch self {
    case .unsigned(let n): hasher.combine(0); hasher.combine(n)
    case .negative(let n): hasher.combine(1); hasher.combine(n)
    case .bytes(let b): hasher.combine(2); hasher.combine(b)
    case .text(let t): hasher.combine(3); hasher.combine(t)
    case .array(let a): hasher.combine(4); hasher.combine(a)
    case .map(let m): hasher.combine(5); hasher.combine(m.count)
    case .bool(let b): hasher.combine(6); hasher.combine(b)
    case .null: hasher.combine(7)
    }
  }
}

/// A strict, bounded CBOR decoder: definite lengths only, no tags, no floats, shortest-form
/// lengths not required but every length checked against the bytes left, at most 16 levels deep
/// and 1024 items per array or map. Anything else is an error, never a crash.
package struct CBORDecoder {
  /// Why decoding failed.
  package struct Failure: Error, Equatable {
    /// What was wrong, and at which byte offset.
    package let message: String
  }

  private let bytes: [UInt8]
  /// Where the next item starts; after `decodeOne`, where the item decoded ended.
  package private(set) var offset: Int
  static let maximumDepth = 16
  static let maximumItems = 1024

  /// A decoder over `bytes`, starting at `offset`.
  package init(_ bytes: [UInt8], offset: Int = 0) {
    self.bytes = bytes
    self.offset = offset
  }

  /// Decodes exactly one item filling all of `bytes`.
  package static func decode(_ bytes: [UInt8]) throws(Failure) -> CBOR {
    var decoder = CBORDecoder(bytes)
    let value = try decoder.decodeOne()
    guard decoder.offset == bytes.count else { throw Failure(message: "trailing bytes after offset \(decoder.offset)") }
    return value
  }

  /// Decodes the item at `offset` and moves past it (the authenticator data's credential key is
  /// followed by more bytes, so its end is where the next field starts).
  package mutating func decodeOne() throws(Failure) -> CBOR { try item(depth: 0) }

  private mutating func byte() throws(Failure) -> UInt8 {
    guard offset < bytes.count else { throw Failure(message: "truncated at offset \(offset)") }
    defer { offset += 1 }
    return bytes[offset]
  }

  private mutating func argument(_ info: UInt8) throws(Failure) -> UInt64 {
    switch info {
    case 0..<24: return UInt64(info)
    case 24...27:
      var value: UInt64 = 0
      for _ in 0..<(1 << (info - 24)) { value = (value << 8) | UInt64(try byte()) }
      return value
    default: throw Failure(message: "unsupported additional information \(info) at offset \(offset - 1)")
    }
  }

  private mutating func take(_ count: UInt64) throws(Failure) -> [UInt8] {
    guard count <= UInt64(bytes.count - offset) else { throw Failure(message: "length \(count) past the end") }
    defer { offset += Int(count) }
    return Array(bytes[offset..<(offset + Int(count))])
  }

  private mutating func item(depth: Int) throws(Failure) -> CBOR {
    guard depth <= Self.maximumDepth else { throw Failure(message: "nested deeper than \(Self.maximumDepth)") }
    let initial = try byte()
    let major = initial >> 5
    let info = initial & 0x1F
    if major == 7 {
      switch info {
      case 20: return .bool(false)
      case 21: return .bool(true)
      case 22: return .null
      default: throw Failure(message: "unsupported simple value or float \(info)")
      }
    }
    let argument = try argument(info)
    switch major {
    case 0: return .unsigned(argument)
    case 1: return .negative(argument)
    case 2: return .bytes(try take(argument))
    case 3:
      guard let text = String(validating: try take(argument), as: UTF8.self) else {
        throw Failure(message: "text that is not UTF-8")
      }
      return .text(text)
    case 4, 5:
      guard argument <= UInt64(Self.maximumItems) else {
        throw Failure(message: "more than \(Self.maximumItems) items")
      }
      if major == 4 { return .array(try (0..<argument).map { _ throws(Failure) in try item(depth: depth + 1) }) }
      var entries: [(key: CBOR, value: CBOR)] = []
      for _ in 0..<argument {
        let key = try item(depth: depth + 1)
        guard !entries.contains(where: { $0.key == key }) else { throw Failure(message: "a map key appears twice") }
        entries.append((key, try item(depth: depth + 1)))
      }
      return .map(entries)
    default: throw Failure(message: "tags (major type 6) are not accepted")
    }
  }
}
