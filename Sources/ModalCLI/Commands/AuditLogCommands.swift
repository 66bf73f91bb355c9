#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import CommandLineKit
import Modal

/// `modal workspace audit-log`: modal-swift's own (Python 1.6.4 has no such command).
enum AuditLogCommands {

  /// `--since 7d` or `--since 2026-12-01T00:00:00Z`, as a moment.
  static let since = Option<UnixTime?>(
    "--since", placeholder: "TEXT", help: "Only entries since then: 30m, 12h, 7d, or 2026-12-01T00:00:00Z.",
    transform: sinceTime)
  /// `--action token.created` or a group `--action secret.*`; comma-separated for several.
  static let action = Option<String?>(
    "--action", placeholder: "NAME", help: "Only these actions: token.created, secret.* (comma-separated).") { $0 }

  static let auditLog = CommandSpec(
    name: "audit-log", abstract: "Show the workspace's audit log, newest first (managers and owners).",
    discussion: "Sign-ins, tokens created, revoked or used from a new address, login approvals, member and\nsecret changes: who, what, when, from where. Secret values are never recorded.",
    options: [since, action, CommonOptions.json]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let actions = (invocation[action] ?? "").split(separator: ",").map { String($0.filter { $0 != " " }) }
      .filter { !$0.isEmpty }
    let filter = AuditLog.Filter(actions: actions, since: invocation[since])
    let entries = try await client.auditLog.entries(filter).all()
    if invocation[CommonOptions.json] {
      invocation.console.write(JSONValue.array(entries.map(json)).rendered() + "\n")
      return 0
    }
    let rows = entries.map { entry in
      [
        LocalTime.cell(entry.time), entry.action, entry.succeeded ? "success" : "error", actorText(entry),
        targetText(entry), entry.address.isEmpty ? "-" : entry.address,
      ]
    }
    invocation.console.write(
      TableRenderer(
        columns: ["time", "action", "outcome", "actor", "target", "address"], rows: rows, title: "Audit log"
      ).rendered())
    return 0
  }

  private static func actorText(_ entry: AuditLogRecord) -> String {
    entry.actor.name.isEmpty ? entry.actor.type : entry.actor.name
  }

  private static func targetText(_ entry: AuditLogRecord) -> String {
    entry.target.name.isEmpty ? entry.target.id : entry.target.name
  }

  private static func json(_ entry: AuditLogRecord) -> JSONValue {
    .object([
      ("id", .string(entry.id)), ("time", LocalTime.json(entry.time)), ("action", .string(entry.action)),
      ("outcome", .string(entry.succeeded ? "success" : "error")),
      ("actor", .object([("type", .string(entry.actor.type)), ("id", .string(entry.actor.id)), ("name", .string(entry.actor.name))])),
      ("target", .object([("type", .string(entry.target.type)), ("id", .string(entry.target.id)), ("name", .string(entry.target.name))])),
      ("address", .string(entry.address)), ("source", .string(entry.source)),
      ("details", .object(entry.details.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
    ])
  }

  /// A duration ago (`30m`, `12h`, `7d`) or an ISO 8601 UTC time.
  @Sendable static func sinceTime(_ text: String) throws(InvalidValue) -> UnixTime {
    if let time = UnixTime(iso8601: text) { return time }
    guard let unit = text.last, let count = Double(text.dropLast()), count > 0, count < 1e7,
      let multiplier = ["m": 60.0, "h": 3600.0, "d": 86_400.0][unit]
    else {
      throw InvalidValue("Invalid value for --since: Expected 30m, 12h, 7d or a time such as 2026-12-01T00:00:00Z.")
    }
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return UnixTime(seconds: Double(now.tv_sec) - count * multiplier)
  }
}
