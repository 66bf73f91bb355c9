import CommandLineKit

/// Parses `--expires-in` as Python's CLI does: `^\d+(s|m|h|d)$`, positive, at most 2³²−1 seconds.
enum ExpiresIn {
  /// The duration in seconds, or the reason it is not one, in Python's text.
  @Sendable static func seconds(_ text: String) throws(InvalidValue) -> UInt32 {
    func invalid(_ reason: String) -> InvalidValue {
      InvalidValue("Invalid value for --expires-in: \(reason)")
    }
    guard let unit = text.last, "smhd".contains(unit), text.count > 1,
      text.dropLast().allSatisfy({ $0.isASCII && $0.isNumber })
    else {
      throw invalid("Expected a duration such as 30m, 12h, or 7d.")
    }
    let digits = text.dropLast().drop { $0 == "0" }
    let multiplier: UInt64 = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 86400
    if digits.isEmpty { throw invalid("Duration must be positive.") }
    guard digits.count <= 12, let value = UInt64(digits), value * multiplier <= UInt64(UInt32.max) else {
      throw invalid("Duration is too large.")
    }
    return UInt32(value * multiplier)
  }
}
