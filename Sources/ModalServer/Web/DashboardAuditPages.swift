/// The audit log page (`/workspaces/W/audit?action=…&actor=…&since=…`), for managers and owners.
extension Dashboard {
  func auditPage(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    let action = Self.filterValue(context, "action")
    let actor = Self.filterValue(context, "actor")
    let since = Self.filterValue(context, "since")
    var query = AuditQuery(workspaceID: caller.workspace.id)
    query.actions = action.split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
    query.actor = actor.isEmpty ? nil : actor
    if !since.isEmpty {
      query.since = AuditSince.parse(since, now: backend.dependencies.clock.now())
      guard query.since != nil else {
        throw PageError(400, "Bad filter", "Since is a time (2026-12-01, 2026-12-01T09:30:00Z) or how long ago (30m, 12h, 7d).")
      }
    }
    query.limit = AuditService.maximumPageSize
    // The role check first, as a page of its own (the service checks again).
    guard caller.role >= .manager else {
      throw PageError(403, "Managers and owners only", "The audit log is for managers and owners of the workspace.")
    }
    let entries = try await backend.audit.page(query, for: caller, method: "The audit log")
    let rows: [HTML] = entries.map(Self.auditRow)
    let table: HTML =
      rows.isEmpty
      ? "<p class=\"muted\" id=\"no-entries\">No entries match.</p>"
      : "<table id=\"audit\"><tr><th>Time (UTC)</th><th>Action</th><th>Outcome</th><th>Actor</th><th>Target</th><th>Address</th></tr>\(rows)</table>"
    let base = "/workspaces/" + Self.percentEncode(caller.workspace.name)
    let body: HTML = """
      <form class="card" method="get" action="\(base)/audit">
      <label for="action">Action (token.created, secret.*; comma-separated)</label>
      <input id="action" name="action" value="\(action)" maxlength="200">
      <label for="actor">Actor (email, id or token id)</label><input id="actor" name="actor" value="\(actor)" maxlength="254">
      <label for="since">Since (7d, 12h, 2026-12-01)</label><input id="since" name="since" value="\(since)" maxlength="40">
      <button type="submit" id="filter">Filter</button>
      </form>
      <p class="muted">The newest \(AuditService.maximumPageSize) matching entries; `modal-server audit export` prints them all.</p>
      \(table)
      """
    return .html(200, HTML.page(title: "Audit log · \(caller.workspace.name)", body: body, user: user, csrf: context.csrf))
  }

  private static func auditRow(_ entry: AuditEntry) -> HTML {
    let actor = entry.actor.name.isEmpty ? entry.actor.kind.rawValue : entry.actor.name
    let target = entry.target.name.isEmpty ? entry.target.id : entry.target.name
    let count = entry.count > 1 ? " ×\(entry.count)" : ""
    return """
      <tr><td>\(entry.time.iso8601)</td><td>\(entry.action.rawValue)\(count)</td><td>\(entry.outcome.rawValue)</td>\
      <td>\(actor)</td><td>\(target)</td><td>\(entry.actor.address)</td></tr>
      """
  }

  /// A filter field of the query string, at most 254 characters ("" when absent).
  private static func filterValue(_ context: Context, _ name: String) -> String {
    String((context.request.query[name] ?? nil)?.prefix(254) ?? "")
  }
}
