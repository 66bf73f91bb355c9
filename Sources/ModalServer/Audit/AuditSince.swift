import Foundation

/// The `--since` value of `modal-server audit export`: a time (`2026-12-01`,
/// `2026-12-01T09:30:00Z`) or how long ago (`30m`, `12h`, `7d`).
package enum AuditSince {
  /// The moment `text` names, relative to `now`; `nil` when it is neither form.
  package static func parse(_ text: String, now: UnixTime) -> UnixTime? {
    if let unit = text.last, let count = Int64(text.dropLast()), count > 0, count <= 100_000 * 86_400 {
      switch unit {
      case "m": return now.adding(seconds: -count * 60)
      case "h": return now.adding(seconds: -count * 3600)
      case "d": return now.adding(seconds: -count * 86_400)
      default: break
      }
    }
    return date(text)
  }

  /// `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SSZ`.
  private static func date(_ text: String) -> UnixTime? {
    let parts = text.split(separator: "T", maxSplits: 1)
    let day = parts[0].split(separator: "-").compactMap { Int32($0) }
    guard parts[0].count == 10, day.count == 3 else { return nil }
    var clock: [Int32] = [0, 0, 0]
    if parts.count == 2 {
      guard parts[1].count == 9, parts[1].hasSuffix("Z") else { return nil }
      clock = parts[1].dropLast().split(separator: ":").compactMap { Int32($0) }
      guard clock.count == 3 else { return nil }
    }
    var fields = tm()
    (fields.tm_year, fields.tm_mon, fields.tm_mday) = (day[0] - 1900, day[1] - 1, day[2])
    (fields.tm_hour, fields.tm_min, fields.tm_sec) = (clock[0], clock[1], clock[2])
    guard (1...12).contains(day[1]), (1...31).contains(day[2]), (0...23).contains(clock[0]), (0...59).contains(clock[1]),
      (0...60).contains(clock[2])
    else { return nil }
    return UnixTime(microseconds: Int64(timegm(&fields)) * 1_000_000)
  }
}
