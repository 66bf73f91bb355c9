/// Base62 text (`0-9A-Z a-z`, in that order): what token ids and secrets are made of.
package enum Base62 {
  /// The alphabet, in digit order.
  package static let alphabet: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

  /// Whether `byte` is a base62 character.
  package static func contains(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
  }

  /// `value` in base62, left-padded with `0` to `width` characters (6 hold any `UInt32`:
  /// 62⁶ > 2³²).
  package static func encode(_ value: UInt32, width: Int) -> String {
    var digits = [UInt8](repeating: alphabet[0], count: width)
    var rest = value
    var index = width - 1
    while rest > 0 && index >= 0 {
      digits[index] = alphabet[Int(rest % 62)]
      rest /= 62
      index -= 1
    }
    return String(decoding: digits, as: UTF8.self)
  }

  /// Whether `digits` is `value` in base62, left-padded with `0` to the digits' width (compared
  /// without making a string: a scanner checks every candidate).
  package static func matches(_ value: UInt32, _ digits: UnsafeRawBufferPointer) -> Bool {
    var rest = value
    for index in digits.indices.reversed() {
      guard digits[index] == alphabet[Int(rest % 62)] else { return false }
      rest /= 62
    }
    return rest == 0
  }
}
