/// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
enum UTF8Validation {
  /// Returns the offset of the first byte of the first invalid sequence, or nil when all of `bytes` is valid.
  static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
    var index = 0
    let count = bytes.count
    while index < count {
      let lead = bytes[index]
      if lead < 0x80 {
        index += 1
        continue
      }
      let length: Int
      var lowerBound: UInt8 = 0x80
      var upperBound: UInt8 = 0xBF
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0: length = 3; lowerBound = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED: length = 3; upperBound = 0x9F
      case 0xF0: length = 4; lowerBound = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4: length = 4; upperBound = 0x8F
      default: return index
      }
      if count - index < length { return index }
      let second = bytes[index + 1]
      if second < lowerBound || second > upperBound { return index }
      var continuation = 2
      while continuation < length {
        if bytes[index + continuation] & 0xC0 != 0x80 { return index }
        continuation += 1
      }
      index += length
    }
    return nil
  }
}
