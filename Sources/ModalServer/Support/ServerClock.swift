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

  /// Appends the `iso8601` form to `text`, digit by digit: the log line of every call is built in
  /// one string, with no string allocated per field.
  package func appendISO8601(to text: inout String) {
    var seconds = time_t(clamping: wholeSeconds)
    var parts = tm()
    guard gmtime_r(&seconds, &parts) != nil else {
      text += String(wholeSeconds)
      return
    }
    func append(_ value: Int32, width: Int, then separator: Unicode.Scalar) {
      var divisor: Int32 = 1
      for _ in 1..<width { divisor *= 10 }
      if value >= divisor * 10 { text += String(value) } // a year past 9999
      else {
        var rest = value
        while divisor > 0 {
          text.unicodeScalars.append(Unicode.Scalar(UInt8(48 + rest / divisor)))
          rest %= divisor
          divisor /= 10
        }
      }
      text.unicodeScalars.append(separator)
    }
    append(parts.tm_year + 1900, width: 4, then: "-")
    append(parts.tm_mon + 1, width: 2, then: "-")
    append(parts.tm_mday, width: 2, then: "T")
    append(parts.tm_hour, width: 2, then: ":")
    append(parts.tm_min, width: 2, then: ":")
    append(parts.tm_sec, width: 2, then: "Z")
  }

  /// Orders by time.
  package static func < (lhs: UnixTime, rhs: UnixTime) -> Bool { lhs.microseconds < rhs.microseconds }

  /// The ISO 8601 form.
  package var description: String { iso8601 }
}
