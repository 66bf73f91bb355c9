/// The `serve --audit-retention` value: how long audit entries are kept.
package enum AuditRetention {
  /// 90 days, the default (long enough for a quarterly review; export to a SIEM to keep more).
  package static let defaultSeconds: Int64 = 90 * 86_400

  /// Seconds from `90d`, `36h` or `0` (keep every entry); `nil` for anything else.
  package static func seconds(_ text: String) -> Int64? {
    if text == "0" { return 0 }
    guard let unit = text.last, let count = Int64(text.dropLast()), count > 0, count <= 36_500 else { return nil }
    switch unit {
    case "d": return count * 86_400
    case "h": return count * 3600
    default: return nil
    }
  }
}
