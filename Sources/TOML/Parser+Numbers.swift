/// Integers (decimal, hexadecimal, octal, binary), floats, `inf` and `nan`.
extension Parser {
  /// Parses a number or date-time starting at `pos`.
  mutating func parseNumberOrDateTime() throws(TOMLError) -> TOMLValue {
    let start = pos
    if ASCII.isDigit(bytes[pos]) && ASCII.isDigit(byte(at: pos + 1)) {
      if ASCII.isDigit(byte(at: pos + 2)) && ASCII.isDigit(byte(at: pos + 3))
        && byte(at: pos + 4) == ASCII.minus
      {
        return .dateTime(try parseDateTime())
      }
      if byte(at: pos + 2) == ASCII.colon { return .dateTime(try parseLocalTime()) }
    }
    var negative = false
    var signed = false
    if bytes[pos] == ASCII.plus || bytes[pos] == ASCII.minus {
      signed = true
      negative = bytes[pos] == ASCII.minus
      pos += 1
    }
    if !ASCII.isDigit(byte(at: pos)) {
      if matches("inf") {
        pos += 3
        return .float(negative ? -.infinity : .infinity)
      }
      if matches("nan") {
        pos += 3
        return .float(.nan)
      }

      throw unexpected(signed ? "digits, inf or nan after the sign" : "a value", at: pos)
    }
    if bytes[pos] == ASCII.zero {
      let radix: UInt64? =
        switch byte(at: pos + 1) {
        case ASCII.lowerX: 16
        case ASCII.lowerO: 8
        case ASCII.lowerB: 2
        default: nil
        }
      if let radix {
        if signed {
          throw error(
            .invalidValue, "hexadecimal, octal and binary integers cannot have a sign", at: start)
        }
        return .integer(try parsePrefixedInteger(radix: radix))
      }
    }
    let integerStart = pos
    try scanDigits(radix: 10)
    let integerEnd = pos
    if bytes[integerStart] == ASCII.zero && integerEnd - integerStart > 1 {
      throw error(.invalidValue, "leading zeros are not allowed in numbers", at: integerStart)
    }
    var isFloat = false
    if byte(at: pos) == ASCII.dot {
      pos += 1
      guard ASCII.isDigit(byte(at: pos)) else {
        throw error(.invalidValue, "a decimal point must be followed by digits", at: pos)
      }
      try scanDigits(radix: 10)
      isFloat = true
    }
    if byte(at: pos) | 0x20 == ASCII.lowerE {
      pos += 1
      if byte(at: pos) == ASCII.plus || byte(at: pos) == ASCII.minus { pos += 1 }
      guard ASCII.isDigit(byte(at: pos)) else {
        throw error(.invalidValue, "an exponent must have digits", at: pos)
      }
      try scanDigits(radix: 10)
      isFloat = true
    }
    if isFloat { return .float(floatValue(from: start, to: pos)) }
    return .integer(try decimalValue(from: integerStart, to: integerEnd, negative: negative, start: start))
  }

  /// Whether the three bytes at `pos` spell `word`.
  private func matches(_ word: StaticString) -> Bool {
    word.withUTF8Buffer { expected in
      byte(at: pos) == expected[0] && byte(at: pos + 1) == expected[1] && byte(at: pos + 2) == expected[2]
    }
  }

  /// The value of `byte` as a digit in `radix`, or nil.
  @inline(__always) private func digitValue(_ byte: UInt8, radix: UInt64) -> UInt64? {
    guard let value = ASCII.hexValue(byte), UInt64(value) < radix else { return nil }
    return UInt64(value)
  }

  /// Skips digits of `radix` separated by single underscores; the first byte must be a digit.
  private mutating func scanDigits(radix: UInt64) throws(TOMLError) {
    guard digitValue(byte(at: pos), radix: radix) != nil else {
      throw unexpected("a digit", at: pos)
    }
    pos += 1
    while pos < end {
      let byte = bytes[pos]
      if digitValue(byte, radix: radix) != nil {
        pos += 1
      } else if byte == ASCII.underscore {
        guard digitValue(self.byte(at: pos + 1), radix: radix) != nil else {
          throw error(.invalidValue, "an underscore in a number must stand between two digits", at: pos)
        }
        pos += 1
      } else {
        return
      }
    }
  }

  /// Parses `0x…`, `0o…` or `0b…` at `pos`.
  private mutating func parsePrefixedInteger(radix: UInt64) throws(TOMLError) -> Int64 {
    let start = pos
    pos += 2
    let digitsStart = pos
    try scanDigits(radix: radix)
    var value: UInt64 = 0
    for offset in digitsStart..<pos {
      guard let digit = digitValue(bytes[offset], radix: radix) else { continue }
      let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
      guard !overflow, shifted | digit <= UInt64(Int64.max) else {
        throw error(.invalidValue, "the integer is too large for 64 bits", at: start)
      }
      value = shifted | digit
    }
    return Int64(value)
  }

  /// The decimal integer with digits in `from..<to` (underscores skipped).
  private func decimalValue(from: Int, to: Int, negative: Bool, start: Int) throws(TOMLError) -> Int64 {
    var value: UInt64 = 0
    let limit = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
    for offset in from..<to where bytes[offset] != ASCII.underscore {
      let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
      let (sum, carry) = times10.addingReportingOverflow(UInt64(bytes[offset] &- ASCII.zero))
      guard !overflow, !carry, sum <= limit else {
        throw error(
          .invalidValue,
          "the integer is out of range for 64 bits (\(Int64.min) to \(Int64.max))", at: start)
      }
      value = sum
    }
    return negative ? Int64(truncatingIfNeeded: 0 &- value) : Int64(value)
  }

  /// The float written in `from..<to`, a syntactically valid TOML float.
  private func floatValue(from: Int, to: Int) -> Double {
    // Fast path: up to 19 significant digits and a small power of ten are exact in one
    // correctly rounded IEEE operation (Clinger's method).
    var mantissa: UInt64 = 0
    var digits = 0
    var scale = 0
    var offset = from
    var negative = false
    if bytes[offset] == ASCII.plus || bytes[offset] == ASCII.minus {
      negative = bytes[offset] == ASCII.minus
      offset += 1
    }
    var afterPoint = false
    while offset < to {
      let byte = bytes[offset]
      if ASCII.isDigit(byte) {
        if mantissa != 0 || byte != ASCII.zero { digits += 1 }
        mantissa = mantissa &* 10 &+ UInt64(byte &- ASCII.zero)
        if afterPoint { scale -= 1 }
      } else if byte == ASCII.dot {
        afterPoint = true
      } else if byte != ASCII.underscore {
        break
      }
      offset += 1
    }
    var exponent = 0
    if offset < to {
      offset += 1
      var exponentNegative = false
      if bytes[offset] == ASCII.plus || bytes[offset] == ASCII.minus {
        exponentNegative = bytes[offset] == ASCII.minus
        offset += 1
      }
      while offset < to {
        let byte = bytes[offset]
        if byte != ASCII.underscore { exponent = min(exponent * 10 + Int(byte &- ASCII.zero), 100_000) }
        offset += 1
      }
      if exponentNegative { exponent = -exponent }
    }
    let power = exponent + scale
    if digits <= 19 && mantissa <= 1 << 53 && power >= -22 && power <= 22 {
      let magnitude =
        power < 0 ? Double(mantissa) / Self.powersOfTen[-power] : Double(mantissa) * Self.powersOfTen[power]
      return negative ? -magnitude : magnitude
    }
    var text = ""
    text.reserveCapacity(to - from)
    for position in from..<to where bytes[position] != ASCII.underscore {
      text.unicodeScalars.append(Unicode.Scalar(bytes[position]))
    }
    return Double(text) ?? .nan
  }

  /// 10^0 through 10^22, each exact in a Double.
  private static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]
}
