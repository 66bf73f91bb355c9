import CommandLineKit

/// `modal-server audit export`: the audit log as JSON lines for a SIEM, or as text.
enum AuditCommands {
  static let usage = """
    Usage: modal-server audit export --data-dir DIR [--database URL] [--since T] [--json]

    Prints the audit log of every workspace, oldest entry first: with --json one JSON object per line
    (for a SIEM: id, sequence, time, time_us, workspace_id, action, actor {type, id, name, token_id},
    target {type, id, name}, address, source, outcome, detail, count), otherwise one line of text per
    entry. Reads the database directly, while `serve` runs or not; it never holds a secret value, a
    token secret or a password. Entries are kept for `serve --audit-retention` (default 90d).

    Options:
      --data-dir DIR   The data folder
      --database URL   postgres://… or sqlite:PATH (default: $MODAL_SERVER_DATABASE_URL, else the folder's)
      --since T        Only entries at or after T: a time (2026-12-01, 2026-12-01T09:30:00Z) or how long
                       ago (30m, 12h, 7d)
      --json           One JSON object per line

    """

  static let since = Option<String?>("--since", placeholder: "T", help: "Only entries at or after T (2026-12-01, 7d)")

  static let group = ServerCommand(
    name: "audit", abstract: "Export the audit log",
    subcommands: [
      CommandTree.command(
        "export", help: usage, options: [ServerOptions.dataDir, ServerOptions.database, since, ServerOptions.json],
        run: export)
    ],
    helpText: usage)

  static func export(_ parsed: ServerInvocation) async throws {
    let output = parsed.output
    var query = AuditQuery(workspaceID: nil)
    if let text = parsed[since] {
      guard let time = AuditSince.parse(text, now: ServerClock.system.now()) else {
        throw ServerError(
          .invalidArgument, "--since must be a time (2026-12-01 or 2026-12-01T09:30:00Z) or how long ago (30m, 12h, 7d), not '\(text)'.")
      }
      query.since = time
    }
    let opened = try await ServerCommandLine.open(
      dataDirectory: parsed[ServerOptions.dataDir], database: parsed[ServerOptions.database], create: false)
    let backend = Backend(dependencies: Dependencies(store: opened.store, keys: opened.keys))
    let json = parsed[ServerOptions.json]
    do {
      try await backend.audit.export(query) { entry in output.out((json ? entry.jsonLine : line(entry)) + "\n") }
    } catch {
      await opened.store.close()
      throw error
    }
    await opened.store.close()
  }

  /// One entry as text: time, action, outcome, actor, target, address.
  static func line(_ entry: AuditEntry) -> String {
    let actor = entry.actor.name.isEmpty ? entry.actor.kind.rawValue : entry.actor.name
    let target = entry.target.name.isEmpty ? entry.target.id : "\(entry.target.name) (\(entry.target.id))"
    let count = entry.count > 1 ? "  ×\(entry.count)" : ""
    let address = entry.actor.address.isEmpty ? "-" : entry.actor.address
    return "\(entry.time.iso8601)  \(entry.action)  \(entry.outcome.rawValue)  \(actor)  \(target)  \(address)\(count)"
  }
}
