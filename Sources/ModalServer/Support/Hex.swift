/// Lower-case hexadecimal encoding of bytes.
package enum Hex {
  private static let digits = Array("0123456789abcdef".utf8)

  /// The bytes as lower-case hex.
  package static func encode(_ bytes: [UInt8]) -> String {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The bytes of a hex string (either case); `nil` if it is not hex or has an odd length.
  package static func decode(_ text: String) -> [UInt8]? {
    let chars = Array(text.utf8)
    guard chars.count % 2 == 0 else { return nil }
    var out = [UInt8]()
    out.reserveCapacity(chars.count / 2)
    var index = 0
    while index < chars.count {
      guard let high = value(chars[index]), let low = value(chars[index + 1]) else { return nil }
      out.append(high << 4 | low)
      index += 2
    }
    return out
  }

  /// Decodes `text` into `bytes`, which it must fill exactly (hex of twice its length, either
  /// case); `false` if it does not. Allocates nothing, and reads the string's storage directly
  /// where it has one (every authenticated call decodes its token's stored hash).
  package static func decode(_ text: String, into bytes: UnsafeMutableRawBufferPointer) -> Bool {
    guard text.utf8.count == bytes.count * 2 else { return false }
    func fill(_ characters: some Collection<UInt8>) -> Bool {
      var characters = characters.makeIterator()
      for index in bytes.indices {
        guard let first = characters.next(), let second = characters.next(), let high = value(first),
          let low = value(second)
        else { return false }
        bytes[index] = high << 4 | low
      }
      return true
    }
    return text.utf8.withContiguousStorageIfAvailable(fill) ?? fill(text.utf8)
  }

  private static func value(_ char: UInt8) -> UInt8? {
    switch char {
    case 0x30...0x39: char - 0x30
    case 0x61...0x66: char - 0x61 + 10
    case 0x41...0x46: char - 0x41 + 10
    default: nil
    }
  }
}
