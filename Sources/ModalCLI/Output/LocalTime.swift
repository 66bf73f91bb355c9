#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Modal

/// Formats times as the Python CLI does: local time as `%Y-%m-%d %H:%M:%S %Z`.
enum LocalTime {
  /// The local time of a Unix timestamp.
  static func format(seconds: Int64, pattern: String = "%Y-%m-%d %H:%M:%S %Z") -> String {
    var time = time_t(seconds)
    var parts = tm()
    guard localtime_r(&time, &parts) != nil else { return String(seconds) }
    var buffer = [CChar](repeating: 0, count: 64)
    let count = strftime(&buffer, buffer.count, pattern, &parts)
    return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

extension LocalTime {
  /// The local time of a moment, to the second (`modal token info`, `modal doctor`).
  static func format(_ time: UnixTime) -> String {
    format(seconds: Int64(time.seconds.rounded(.down)))
  }

  /// A table cell as Python's `timestamp_to_localized_str`: `%Y-%m-%d %H:%M %Z`, or `-` for none.
  static func cell(_ time: UnixTime?) -> String {
    guard let seconds = time?.seconds, seconds > 0 else { return "-" }
    return format(seconds: Int64(seconds), pattern: "%Y-%m-%d %H:%M %Z")
  }

  /// A JSON value as Python's `timestamp_to_localized_str(..., json=True)`: ISO 8601 local time
  /// with its offset, or null for none.
  static func json(_ time: UnixTime?) -> JSONValue {
    guard let seconds = time?.seconds, seconds > 0 else { return .null }
    var micros = String(Int64((seconds - seconds.rounded(.down)) * 1_000_000))
    micros = String(repeating: "0", count: max(0, 6 - micros.count)) + micros
    let base = format(seconds: Int64(seconds), pattern: "%Y-%m-%dT%H:%M:%S")
    var offset = format(seconds: Int64(seconds), pattern: "%z")
    if offset.count == 5 { offset.insert(":", at: offset.index(offset.startIndex, offsetBy: 3)) }
    return .string(base + (micros == "000000" ? "" : "." + micros) + offset)
  }
}

extension LocalTime {
  /// A JSON value as Python's `timestamp_to_localized_str(ts, isotz=True)`:
  /// `datetime.isoformat(sep=" ", timespec="seconds")` of the local time, `2026-12-06 19:23:41+00:00`,
  /// or null for none (`modal workspace members list --json`).
  static func isoSeconds(_ time: UnixTime?) -> JSONValue {
    guard let seconds = time?.seconds, seconds > 0 else { return .null }
    let whole = Int64(seconds.rounded(.down))
    var offset = format(seconds: whole, pattern: "%z")
    if offset.count == 5 { offset.insert(":", at: offset.index(offset.startIndex, offsetBy: 3)) }
    return .string(format(seconds: whole, pattern: "%Y-%m-%d %H:%M:%S") + offset)
  }
}
