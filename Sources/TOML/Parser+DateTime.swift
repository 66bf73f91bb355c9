/// Offset date-times, local date-times, local dates and local times (RFC 3339 as TOML uses it).
extension Parser {
  /// Parses a value that starts with a `YYYY-` date.
  mutating func parseDateTime() throws(TOMLError) -> TOMLDateTime {
    let start = pos
    let year = try number(digits: 4, of: "year")
    try expect(ASCII.minus, "'-' between the year and the month")
    let month = try number(digits: 2, of: "month")
    try expect(ASCII.minus, "'-' between the month and the day")
    let day = try number(digits: 2, of: "day")
    guard (1...12).contains(month) else {
      throw error(.invalidValue, "invalid date: month \(month) is not between 01 and 12", at: start)
    }
    let days = TOMLDateTime.daysIn(month: month, year: year)
    guard (1...days).contains(day) else {
      throw error(
        .invalidValue, "invalid date: day \(day) is not between 01 and \(days) for that month",
        at: start)
    }
    let separator = byte(at: pos)
    let hasTime =
      separator == ASCII.upperT || separator == ASCII.lowerT
      || (separator == ASCII.space && ASCII.isDigit(byte(at: pos + 1))
        && ASCII.isDigit(byte(at: pos + 2)) && byte(at: pos + 3) == ASCII.colon)
    guard hasTime else {
      return TOMLDateTime(kind: .localDate, year: year, month: month, day: day)
    }
    pos += 1
    let time = try parseTime()
    var offset: Int?
    switch byte(at: pos) {
    case ASCII.upperZ, ASCII.lowerZ:
      pos += 1
      offset = 0
    case ASCII.plus, ASCII.minus:
      let sign = bytes[pos] == ASCII.minus ? -1 : 1
      let offsetStart = pos
      pos += 1
      let hours = try number(digits: 2, of: "offset hours")
      try expect(ASCII.colon, "':' in the offset (written +HH:MM)")
      let minutes = try number(digits: 2, of: "offset minutes")
      guard hours <= 23 && minutes <= 59 else {
        throw error(.invalidValue, "invalid offset: hours must be 00-23 and minutes 00-59", at: offsetStart)
      }
      offset = sign * (hours * 60 + minutes)
    default:
      break
    }
    return TOMLDateTime(
      kind: offset == nil ? .localDateTime : .offsetDateTime, year: year, month: month, day: day,
      hour: time.hour, minute: time.minute, second: time.second, nanosecond: time.nanosecond,
      fractionDigits: time.fractionDigits, offsetMinutes: offset)
  }

  /// Parses a local time such as `07:32:00.999`.
  mutating func parseLocalTime() throws(TOMLError) -> TOMLDateTime {
    let time = try parseTime()
    return TOMLDateTime(
      kind: .localTime, hour: time.hour, minute: time.minute, second: time.second,
      nanosecond: time.nanosecond, fractionDigits: time.fractionDigits)
  }

  /// Parses `HH:MM:SS` with optional fractional seconds (kept to nine digits).
  private mutating func parseTime() throws(TOMLError) -> (
    hour: Int, minute: Int, second: Int, nanosecond: Int, fractionDigits: Int
  ) {
    let start = pos
    let hour = try number(digits: 2, of: "hour")
    try expect(ASCII.colon, "':' between the hour and the minute")
    let minute = try number(digits: 2, of: "minute")
    try expect(ASCII.colon, "':' between the minute and the second (seconds are required)")
    let second = try number(digits: 2, of: "second")
    guard hour <= 23, minute <= 59, second <= 60 else {
      throw error(
        .invalidValue, "invalid time: hour must be 00-23, minute 00-59 and second 00-60", at: start)
    }
    var nanosecond = 0
    var fractionDigits = 0
    if byte(at: pos) == ASCII.dot {
      pos += 1
      let digitsStart = pos
      while ASCII.isDigit(byte(at: pos)) {
        if fractionDigits < 9 {
          nanosecond = nanosecond * 10 + Int(bytes[pos] - ASCII.zero)
          fractionDigits += 1
        }
        pos += 1
      }
      guard pos > digitsStart else {
        throw error(.invalidValue, "a decimal point in a time must be followed by digits", at: pos)
      }
      for _ in fractionDigits..<9 { nanosecond *= 10 }
    }
    return (hour, minute, second, nanosecond, fractionDigits)
  }

  /// Reads exactly `digits` decimal digits as a number.
  private mutating func number(digits: Int, of part: String) throws(TOMLError) -> Int {
    var value = 0
    for offset in 0..<digits {
      let byte = byte(at: pos + offset)
      guard ASCII.isDigit(byte) else {
        throw error(
          .invalidValue, "invalid date-time: expected \(digits) digits for the \(part)", at: pos + offset)
      }
      value = value * 10 + Int(byte - ASCII.zero)
    }
    pos += digits
    return value
  }

  /// Consumes `expected` or throws, describing what was `wanted`.
  private mutating func expect(_ expected: UInt8, _ wanted: String) throws(TOMLError) {
    guard byte(at: pos) == expected else {
      throw error(.invalidValue, "invalid date-time: expected \(wanted)", at: pos)
    }
    pos += 1
  }
}
