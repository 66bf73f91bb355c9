/// The bytes the parser looks at, and small classifications of them.
enum ASCII {
  static let tab: UInt8 = 0x09
  static let lineFeed: UInt8 = 0x0A
  static let carriageReturn: UInt8 = 0x0D
  static let space: UInt8 = 0x20
  static let quote: UInt8 = 0x22
  static let hash: UInt8 = 0x23
  static let apostrophe: UInt8 = 0x27
  static let plus: UInt8 = 0x2B
  static let comma: UInt8 = 0x2C
  static let minus: UInt8 = 0x2D
  static let dot: UInt8 = 0x2E
  static let zero: UInt8 = 0x30
  static let colon: UInt8 = 0x3A
  static let equals: UInt8 = 0x3D
  static let upperE: UInt8 = 0x45
  static let upperT: UInt8 = 0x54
  static let upperZ: UInt8 = 0x5A
  static let leftBracket: UInt8 = 0x5B
  static let backslash: UInt8 = 0x5C
  static let rightBracket: UInt8 = 0x5D
  static let underscore: UInt8 = 0x5F
  static let lowerB: UInt8 = 0x62
  static let lowerE: UInt8 = 0x65
  static let lowerF: UInt8 = 0x66
  static let lowerI: UInt8 = 0x69
  static let lowerN: UInt8 = 0x6E
  static let lowerO: UInt8 = 0x6F
  static let lowerR: UInt8 = 0x72
  static let lowerT: UInt8 = 0x74
  static let lowerU: UInt8 = 0x75
  static let lowerX: UInt8 = 0x78
  static let lowerZ: UInt8 = 0x7A
  static let upperU: UInt8 = 0x55
  static let leftBrace: UInt8 = 0x7B
  static let rightBrace: UInt8 = 0x7D
  static let delete: UInt8 = 0x7F

  /// Whether `byte` is 0-9.
  @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- zero < 10 }

  /// Whether `byte` may appear in a bare key: A-Z, a-z, 0-9, `_` and `-`.
  @inline(__always) static func isBareKey(_ byte: UInt8) -> Bool {
    // Bit n of the mask for bytes 0-63 (and 64-127) is set when byte n may appear in a bare key.
    let low: UInt64 = 0x03FF_2000_0000_0000  // '-' and '0'-'9'
    let high: UInt64 = 0x07FF_FFFE_87FF_FFFE  // 'A'-'Z', '_' and 'a'-'z'
    return byte < 128 && ((byte < 64 ? low : high) >> UInt64(byte & 63)) & 1 != 0
  }

  /// The value of a hexadecimal digit, or nil.
  @inline(__always) static func hexValue(_ byte: UInt8) -> UInt8? {
    if isDigit(byte) { return byte - zero }
    let letter = byte | 0x20
    if letter >= 0x61 && letter <= 0x66 { return letter - 0x61 + 10 }
    return nil
  }

  /// Whether `byte` is a control character TOML forbids outside strings' escapes (tab excepted).
  @inline(__always) static func isForbiddenControl(_ byte: UInt8) -> Bool {
    (byte < space && byte != tab) || byte == delete
  }
}
