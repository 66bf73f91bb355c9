/// A TOML date-time: an offset date-time, a local date-time, a local date or a local time.
///
/// Components that a kind does not have are zero (the date of a local time, the time of a local
/// date). Fractional seconds keep every digit written in the source.
public struct TOMLDateTime: Sendable, Hashable, CustomStringConvertible {
  /// Which of TOML's four date-time types a value is.
  public enum Kind: Sendable, Hashable {
    /// A date and time with an offset from UTC, such as `1979-05-27T07:32:00-07:00`.
    case offsetDateTime
    /// A date and time without an offset, such as `1979-05-27T07:32:00`.
    case localDateTime
    /// A date alone, such as `1979-05-27`.
    case localDate
    /// A time of day alone, such as `07:32:00`.
    case localTime
  }

  /// The kind of date-time.
  public var kind: Kind
  /// The year, 0 through 9999 (0 for a local time).
  public var year: Int
  /// The month, 1 through 12 (0 for a local time).
  public var month: Int
  /// The day of the month, 1 through 31 (0 for a local time).
  public var day: Int
  /// The hour, 0 through 23 (0 for a local date).
  public var hour: Int
  /// The minute, 0 through 59 (0 for a local date).
  public var minute: Int
  /// The second, 0 through 60 (60 is a leap second; 0 for a local date).
  public var second: Int
  /// The digits of the fractional second as written, without the dot; empty when there are none.
  public var fraction: String
  /// The offset from UTC in minutes (`Z` is 0) for an offset date-time; nil for the other kinds.
  public var offsetMinutes: Int?

  /// Creates a date-time from its components; the caller keeps them in range.
  public init(
    kind: Kind, year: Int = 0, month: Int = 0, day: Int = 0, hour: Int = 0, minute: Int = 0,
    second: Int = 0, fraction: String = "", offsetMinutes: Int? = nil
  ) {
    self.kind = kind
    self.year = year
    self.month = month
    self.day = day
    self.hour = hour
    self.minute = minute
    self.second = second
    self.fraction = fraction
    self.offsetMinutes = kind == .offsetDateTime ? (offsetMinutes ?? 0) : nil
  }

  /// The fractional second in nanoseconds (digits beyond the ninth are dropped).
  public var nanosecond: Int {
    var value = 0
    var digits = 0
    for byte in fraction.utf8.prefix(9) {
      value = value * 10 + Int(byte &- 48)
      digits += 1
    }
    for _ in digits..<9 { value *= 10 }
    return value
  }

  /// The RFC 3339 form TOML uses: `1979-05-27T07:32:00.5-07:00`, `1979-05-27T07:32:00Z`,
  /// `1979-05-27T07:32:00`, `1979-05-27` or `07:32:00`.
  public var description: String {
    var text = ""
    if kind != .localTime {
      text += Self.padded(year, 4) + "-" + Self.padded(month, 2) + "-" + Self.padded(day, 2)
    }
    if kind == .localDate { return text }
    if kind != .localTime { text += "T" }
    text += Self.padded(hour, 2) + ":" + Self.padded(minute, 2) + ":" + Self.padded(second, 2)
    if !fraction.isEmpty { text += "." + fraction }
    if let offsetMinutes {
      if offsetMinutes == 0 {
        text += "Z"
      } else {
        let magnitude = abs(offsetMinutes)
        text += (offsetMinutes < 0 ? "-" : "+") + Self.padded(magnitude / 60, 2) + ":"
          + Self.padded(magnitude % 60, 2)
      }
    }
    return text
  }

  /// `value` in decimal with leading zeros up to `width` digits.
  private static func padded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }

  /// The number of days in `month` of `year` in the proleptic Gregorian calendar.
  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2:
      let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
      return leap ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }
}
