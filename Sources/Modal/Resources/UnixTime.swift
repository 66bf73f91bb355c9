#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A moment as seconds since the Unix epoch (1970-01-01 00:00 UTC), as Modal's API sends it; the
/// SDK's own small type, so that it needs no Foundation.
public struct UnixTime: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Seconds since the epoch, with fractions.
  public let seconds: Double

  /// Creates a moment from seconds since the epoch.
  public init(seconds: Double) {
    self.seconds = seconds
  }

  /// The current moment, from the system's real-time clock.
  package static var now: UnixTime {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return UnixTime(seconds: Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)
  }

  /// The moment, or nil for 0 (or less), which the API uses for "never" or "not set".
  init?(ifSet seconds: Double) {
    guard seconds > 0, seconds.isFinite else { return nil }
    self.seconds = seconds
  }

  /// Orders moments in time.
  public static func < (lhs: UnixTime, rhs: UnixTime) -> Bool { lhs.seconds < rhs.seconds }

  /// The moment in UTC, ISO 8601 to the second: `2026-12-01T09:30:00Z`.
  public var description: String {
    var time = time_t(seconds.rounded(.down))
    var parts = tm()
    gmtime_r(&time, &parts)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
  }

  /// The moment `2026-12-01T09:30:00Z` names (whole seconds, UTC), or nil for anything else.
  package init?(iso8601 text: String) {
    let numbers = text.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int32($0) }
    guard text.count == 20, text.hasSuffix("Z"), numbers.count == 6 else { return nil }
    var parts = tm()
    (parts.tm_year, parts.tm_mon, parts.tm_mday) = (numbers[0] - 1900, numbers[1] - 1, numbers[2])
    (parts.tm_hour, parts.tm_min, parts.tm_sec) = (numbers[3], numbers[4], numbers[5])
    self.seconds = Double(timegm(&parts))
  }
}
