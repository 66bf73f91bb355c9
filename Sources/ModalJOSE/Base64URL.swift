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
  /// as `decode(_:)` refuses. Four characters at a time through `sextets`: the server decodes
  /// every OAuth client assertion (about 1,000 characters) on each call it authenticates.
  private static func decode(_ characters: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int? {
    let remainder = characters.count % 4
    guard remainder != 1, let input = characters.baseAddress else { return characters.isEmpty ? 0 : nil }
    return sextets.withUnsafeBufferPointer { table -> Int? in
      func value(_ offset: Int) -> UInt32 { UInt32(table[Int(input[offset])]) }
      let whole = characters.count - remainder
      var invalid: UInt32 = 0
      var count = 0
      var offset = 0
      while offset < whole {
        let (a, b, c, d) = (value(offset), value(offset + 1), value(offset + 2), value(offset + 3))
        invalid |= a | b | c | d
        let block = a << 18 | b << 12 | c << 6 | d
        output[count] = UInt8(truncatingIfNeeded: block >> 16)
        output[count + 1] = UInt8(truncatingIfNeeded: block >> 8)
        output[count + 2] = UInt8(truncatingIfNeeded: block)
        count += 3
        offset += 4
      }
      guard remainder > 0 else { return invalid & invalidSextet == 0 ? count : nil }
      // Two characters carry one byte and three carry two; the bits left over must be zero.
      let (a, b, c) = (value(offset), value(offset + 1), remainder == 3 ? value(offset + 2) : 0)
      invalid |= a | b | c
      let block = a << 18 | b << 12 | c << 6
      output[count] = UInt8(truncatingIfNeeded: block >> 16)
      if remainder == 3 { output[count + 1] = UInt8(truncatingIfNeeded: block >> 8) }
      let stray = remainder == 2 ? block & 0xFFFF : block & 0xFF
      guard invalid & invalidSextet == 0, stray == 0 else { return nil }
      return count + remainder - 1
    }
  }

  /// Marks a character outside the alphabet in `sextets`; no sextet has this bit.
  private static let invalidSextet: UInt32 = 0x80

  /// The value of each byte as a base64url character, or `invalidSextet`.
  private static let sextets: [UInt8] = (0...255).map { byte in
    alphabet.firstIndex(of: UInt8(byte)).map(UInt8.init) ?? UInt8(invalidSextet)
  }
}
