/// A TOML date-time: an offset date-time, a local date-time, a local date or a local time.
///
/// Components that a kind does not have are zero (the date of a local time, the time of a local
/// date). Fractional seconds are kept to the nanosecond, with the number of digits written, so
/// `07:32:00.500` prints back as written; digits beyond the ninth are dropped. The value is
/// stored in 16 bytes so that `TOMLValue` stays small.
public struct TOMLDateTime: Sendable, Hashable, CustomStringConvertible {
  /// Which of TOML's four date-time types a value is.
  public enum Kind: UInt8, Sendable, Hashable {
    /// A date and time with an offset from UTC, such as `1979-05-27T07:32:00-07:00`.
    case offsetDateTime
    /// A date and time without an offset, such as `1979-05-27T07:32:00`.
    case localDateTime
    /// A date alone, such as `1979-05-27`.
    case localDate
    /// A time of day alone, such as `07:32:00`.
    case localTime
  }

  private var storedNanosecond: UInt32
  private var storedYear: UInt16
  private var storedOffset: Int16
  private var storedMonth: UInt8
  private var storedDay: UInt8
  private var storedHour: UInt8
  private var storedMinute: UInt8
  private var storedSecond: UInt8
  private var storedFractionDigits: UInt8
  /// The kind of date-time.
  public var kind: Kind

  /// Creates a date-time from its components; components the kind does not have are set to zero.
  ///
  /// The caller keeps the others in range (year 0-9999, month 1-12, day valid for the month, hour
  /// 0-23, minute 0-59, second 0-60, nanosecond below 10^9, offset within ±23:59). `fractionDigits`
  /// (0-9) is how many fractional digits to write; by default as many as the nanosecond needs.
  public init(
    kind: Kind, year: Int = 0, month: Int = 0, day: Int = 0, hour: Int = 0, minute: Int = 0,
    second: Int = 0, nanosecond: Int = 0, fractionDigits: Int? = nil, offsetMinutes: Int? = nil
  ) {
    self.kind = kind
    let hasDate = kind != .localTime
    let hasTime = kind != .localDate
    storedYear = hasDate ? UInt16(truncatingIfNeeded: year) : 0
    storedMonth = hasDate ? UInt8(truncatingIfNeeded: month) : 0
    storedDay = hasDate ? UInt8(truncatingIfNeeded: day) : 0
    storedHour = hasTime ? UInt8(truncatingIfNeeded: hour) : 0
    storedMinute = hasTime ? UInt8(truncatingIfNeeded: minute) : 0
    storedSecond = hasTime ? UInt8(truncatingIfNeeded: second) : 0
    let nanosecond = hasTime ? min(max(nanosecond, 0), 999_999_999) : 0
    storedNanosecond = UInt32(nanosecond)
    storedFractionDigits =
      hasTime ? UInt8(min(max(fractionDigits ?? Self.digitsNeeded(nanosecond), 0), 9)) : 0
    storedOffset = kind == .offsetDateTime ? Int16(truncatingIfNeeded: offsetMinutes ?? 0) : 0
  }

  /// The year, 0 through 9999 (0 for a local time).
  public var year: Int {
    get { Int(storedYear) }
    set { storedYear = UInt16(truncatingIfNeeded: newValue) }
  }
  /// The month, 1 through 12 (0 for a local time).
  public var month: Int {
    get { Int(storedMonth) }
    set { storedMonth = UInt8(truncatingIfNeeded: newValue) }
  }
  /// The day of the month, 1 through 31 (0 for a local time).
  public var day: Int {
    get { Int(storedDay) }
    set { storedDay = UInt8(truncatingIfNeeded: newValue) }
  }
  /// The hour, 0 through 23 (0 for a local date).
  public var hour: Int {
    get { Int(storedHour) }
    set { storedHour = UInt8(truncatingIfNeeded: newValue) }
  }
  /// The minute, 0 through 59 (0 for a local date).
  public var minute: Int {
    get { Int(storedMinute) }
    set { storedMinute = UInt8(truncatingIfNeeded: newValue) }
  }
  /// The second, 0 through 60 (60 is a leap second; 0 for a local date).
  public var second: Int {
    get { Int(storedSecond) }
    set { storedSecond = UInt8(truncatingIfNeeded: newValue) }
  }
  /// The fractional second in nanoseconds.
  public var nanosecond: Int {
    get { Int(storedNanosecond) }
    set { storedNanosecond = UInt32(min(max(newValue, 0), 999_999_999)) }
  }
  /// How many fractional digits the value was written with (0-9).
  public var fractionDigits: Int {
    get { Int(storedFractionDigits) }
    set { storedFractionDigits = UInt8(min(max(newValue, 0), 9)) }
  }
  /// The offset from UTC in minutes (`Z` is 0) for an offset date-time; nil for the other kinds.
  public var offsetMinutes: Int? {
    get { kind == .offsetDateTime ? Int(storedOffset) : nil }
    set { storedOffset = Int16(truncatingIfNeeded: newValue ?? 0) }
  }

  /// The fractional digits as written, without the dot; empty when there are none.
  public var fraction: String {
    guard storedFractionDigits > 0 else { return "" }
    let digits = Self.padded(Int(storedNanosecond), 9)
    return String(digits.prefix(Int(storedFractionDigits)))
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
    if storedFractionDigits > 0 { text += "." + fraction }
    if let offsetMinutes {
      if offsetMinutes == 0 {
        text += "Z"
      } else {
        let magnitude = abs(offsetMinutes)
        text +=
          (offsetMinutes < 0 ? "-" : "+") + Self.padded(magnitude / 60, 2) + ":"
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

  /// The fewest fractional digits that show `nanosecond` exactly.
  private static func digitsNeeded(_ nanosecond: Int) -> Int {
    guard nanosecond > 0 else { return 0 }
    var digits = 9
    var value = nanosecond
    while value % 10 == 0 {
      value /= 10
      digits -= 1
    }
    return digits
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
