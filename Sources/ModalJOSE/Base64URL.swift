/// base64url without padding (RFC 7515 section 2), the encoding of every JOSE segment and key member.
package enum Base64URL {
  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

  /// The base64url text of `bytes`, without `=` padding.
  package static func encode(_ bytes: [UInt8]) -> String {
    var output: [UInt8] = []
    output.reserveCapacity((bytes.count * 4 + 2) / 3)
    var index = 0
    while index < bytes.count {
      let chunk = bytes[index..<min(index + 3, bytes.count)]
      let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
      for position in 0...chunk.count {
        output.append(alphabet[Int(value >> (18 - 6 * UInt32(position)) & 0x3F)])
      }
      index += 3
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// The bytes of base64url `text`, or `nil` when it has padding, other characters, an impossible
  /// length or stray bits in its last character (so each byte string has one encoding only).
  package static func decode(_ text: some StringProtocol) -> [UInt8]? { decode(bytes: Array(text.utf8)[...]) }

  /// The bytes of the base64url text in `characters` (its UTF-8), checked as `decode(_:)` checks text.
  package static func decode(bytes characters: ArraySlice<UInt8>) -> [UInt8]? {
    characters.withUnsafeBufferPointer { characters in
      var failed = false
      let output = [UInt8](unsafeUninitializedCapacity: decodedCapacity(characters.count)) { buffer, count in
        guard let written = decode(characters, into: buffer) else {
          failed = true
          return
        }
        count = written
      }
      return failed ? nil : output
    }
  }

  /// Calls `body` with the bytes of the base64url text in `characters`, decoded into temporary
  /// storage (on the stack when small) that lives only for the call, or with `nil` when `decode(_:)`
  /// would refuse the text.
  package static func withDecoded<Result>(
    _ characters: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>?) -> Result
  ) -> Result {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: decodedCapacity(characters.count)) { buffer in
      guard let count = decode(characters, into: buffer) else { return body(nil) }
      return body(UnsafeBufferPointer(rebasing: buffer[..<count]))
    }
  }

  /// Room for the decoded bytes of `count` characters.
  private static func decodedCapacity(_ count: Int) -> Int { count * 3 / 4 + 1 }

  /// Decodes into `output` (at least `decodedCapacity` bytes); the number of bytes written, or `nil`
  /// as `decode(_:)` refuses.
  private static func decode(_ characters: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int? {
    guard characters.count % 4 != 1 else { return nil }
    var count = 0
    var accumulator: UInt32 = 0
    var bits = 0
    for character in characters {
      guard let value = sextet(character) else { return nil }
      accumulator = accumulator << 6 | value
      bits += 6
      if bits >= 8 {
        bits -= 8
        output[count] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
        count += 1
        accumulator &= (1 << UInt32(bits)) - 1
      }
    }
    return accumulator == 0 ? count : nil
  }

  private static func sextet(_ character: UInt8) -> UInt32? {
    switch character {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(character - UInt8(ascii: "A"))
    case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(character - UInt8(ascii: "a") + 26)
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(character - UInt8(ascii: "0") + 52)
    case UInt8(ascii: "-"): 62
    case UInt8(ascii: "_"): 63
    default: nil
    }
  }
}
