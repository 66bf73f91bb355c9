import ModalServer
import Testing

/// The small value formats of the audit log's options and query.
struct AuditValueTests {
  @Test func retentionTakesDaysHoursOrZero() {
    #expect(AuditRetention.seconds("90d") == Int64(90 * 86_400))
    #expect(AuditRetention.seconds("36h") == Int64(36 * 3600))
    #expect(AuditRetention.seconds("0") == 0)
    for bad in ["", "d", "0d", "-1d", "90", "90m", "1.5d", "99999999d"] { #expect(AuditRetention.seconds(bad) == nil, "\(bad)") }
  }

  @Test func sinceTakesATimeOrHowLongAgo() {
    let now = UnixTime(microseconds: 1_800_000_000_000_000)
    #expect(AuditSince.parse("7d", now: now) == now.adding(seconds: -7 * 86_400))
    #expect(AuditSince.parse("30m", now: now) == now.adding(seconds: -1800))
    #expect(AuditSince.parse("2026-12-01", now: now)?.iso8601 == "2026-12-01T00:00:00Z")
    #expect(AuditSince.parse("2026-12-01T09:30:05Z", now: now)?.iso8601 == "2026-12-01T09:30:05Z")
    for bad in ["yesterday", "2026-13-01", "2026-12-01T25:00:00Z", "2026-12-01 09:30", "7w", "-7d"] {
      #expect(AuditSince.parse(bad, now: now) == nil, "\(bad)")
    }
  }

  @Test func theQuerySyntaxTakesActionsAndAnActor() throws {
    let query = try AuditSearch.apply("action:token.created  action:secret.* actor:a@example.com", to: AuditQuery(workspaceID: nil))
    #expect(query.actions == ["token.created", "secret.*"] && query.actor == "a@example.com")
    for bad in ["who:me", "action:", "token.created", String(repeating: "a", count: 1001)] {
      #expect(throws: ServerError.self) { try AuditSearch.apply(bad, to: AuditQuery(workspaceID: nil)) }
    }
  }
}
