import Foundation

/// Where the server reads the current time from: the system clock, or a fixed/advancing value in tests.
package struct ServerClock: Sendable {
  private let read: @Sendable () -> UnixTime

  /// A clock that reads `now()` each time.
  package init(_ now: @escaping @Sendable () -> UnixTime) {
    self.read = now
  }

  /// The system clock.
  package static let system = ServerClock { UnixTime(date: Date()) }

  /// The current time.
  package func now() -> UnixTime { read() }
}

/// A point in time as whole microseconds since 1970-01-01 UTC (how the store keeps times).
package struct UnixTime: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Microseconds since the Unix epoch.
  package var microseconds: Int64

  /// Creates a timestamp from microseconds since the epoch.
  package init(microseconds: Int64) {
    self.microseconds = microseconds
  }

  /// Creates a timestamp from a `Date`.
  package init(date: Date) {
    microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
  }

  /// Creates a timestamp from seconds since the epoch, as the API's `double` fields carry them;
  /// `nil` for values that are not finite or out of range.
  package init?(seconds: Double) {
    let micros = (seconds * 1_000_000).rounded()
    guard micros.isFinite, micros > -9.2e18, micros < 9.2e18 else { return nil }
    microseconds = Int64(micros)
  }

  /// Seconds since the epoch, for the API's `double` fields.
  package var seconds: Double { Double(microseconds) / 1_000_000 }

  /// Whole seconds since the epoch (rounded down).
  package var wholeSeconds: Int64 { microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000 }

  /// The time as a `Date`.
  package var date: Date { Date(timeIntervalSince1970: seconds) }

  /// This time moved by `seconds` (saturating).
  package func adding(seconds: Int64) -> UnixTime {
    let (delta, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
    if overflow { return UnixTime(microseconds: seconds > 0 ? .max : .min) }
    let (sum, overflow2) = microseconds.addingReportingOverflow(delta)
    if overflow2 { return UnixTime(microseconds: delta > 0 ? .max : .min) }
    return UnixTime(microseconds: sum)
  }

  /// ISO 8601 in UTC with seconds, for example `2030-03-17T17:46:40Z`.
  ///
  /// Formatted with `gmtime_r`, not a Foundation formatter: this runs for every request's log line,
  /// and creating an `ISO8601DateFormatter` each time cost about three quarters of a call's time.
  package var iso8601: String {
    var text = ""
    text.reserveCapacity(20)
    appendISO8601(to: &text)
    return text
  }

  /// Appends the `iso8601` form to `text`: the log line of every call is built in one string.
  /// The digits are written into two pieces of at most 15 bytes, strings stored in place, so
  /// nothing is allocated and `text` grows twice instead of once per character.
  package func appendISO8601(to text: inout String) {
    var seconds = time_t(clamping: wholeSeconds)
    var parts = tm()
    guard gmtime_r(&seconds, &parts) != nil else {
      text += String(wholeSeconds)
      return
    }
    var date = ShortDigits()
    let year = parts.tm_year + 1900
    if (0...9999).contains(year) { date.append(year, width: 4, then: "-") } else { text += "\(year)-" }
    date.append(parts.tm_mon + 1, width: 2, then: "-")
    date.append(parts.tm_mday, width: 2, then: "T")
    var time = ShortDigits()
    time.append(parts.tm_hour, width: 2, then: ":")
    time.append(parts.tm_min, width: 2, then: ":")
    time.append(parts.tm_sec, width: 2, then: "Z")
    text += date.text
    text += time.text
  }

  /// Orders by time.
  package static func < (lhs: UnixTime, rhs: UnixTime) -> Bool { lhs.microseconds < rhs.microseconds }

  /// The ISO 8601 form.
  package var description: String { iso8601 }
}

/// Zero-padded numbers, each followed by a separator, up to 15 bytes in all: the most a string
/// holds in place, without allocating.
private struct ShortDigits {
  private var bytes: (UInt64, UInt64) = (0, 0)
  private var count = 0

  /// Appends `value` (from 0 to 10^`width` - 1) as `width` digits, then `separator`.
  mutating func append(_ value: Int32, width: Int, then separator: Unicode.Scalar) {
    precondition(count + width < 16 && value >= 0, "ShortDigits holds 15 bytes of non-negative numbers")
    withUnsafeMutableBytes(of: &bytes) { buffer in
      var rest = value
      for index in stride(from: count + width - 1, through: count, by: -1) {
        buffer[index] = UInt8(48 + rest % 10)
        rest /= 10
      }
      buffer[count + width] = UInt8(separator.value)
    }
    count += width + 1
  }

  /// The digits and separators so far.
  var text: String {
    withUnsafeBytes(of: bytes) { String(decoding: $0.prefix(count), as: UTF8.self) }
  }
}
