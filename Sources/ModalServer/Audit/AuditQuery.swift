/// Which audit entries to read (`Store.auditEntries`, `Store.auditCount`), newest first unless
/// `oldestFirst`.
package struct AuditQuery: Sendable, Hashable {
  /// The workspace whose log to read: its entries and the account events (sign-ins) of its current
  /// members. `nil` reads every entry (the operator's export).
  package var workspaceID: WorkspaceID?
  /// Actions to keep: exact names (`token.created`) or a group ending in `.*` (`secret.*`); empty keeps all.
  package var actions: [String] = []
  /// Keeps entries whose actor has this id, name (email) or token id.
  package var actor: String?
  /// Keeps entries at or after this time.
  package var since: UnixTime?
  /// Keeps entries strictly before this time.
  package var until: UnixTime?
  /// Keeps entries strictly before this position (a page's cursor).
  package var beforeSequence: Int64?
  /// Keeps entries at or after this position.
  package var fromSequence: Int64?
  /// The most entries returned.
  package var limit: Int = 100
  /// Oldest first (the export) instead of newest first.
  package var oldestFirst = false

  /// A query of one workspace's log.
  package init(workspaceID: WorkspaceID?) { self.workspaceID = workspaceID }

  /// The WHERE clause and its values, shared by listing and counting.
  func condition() -> (sql: String, values: [SQLValue]) {
    var clauses: [String] = []
    var values: [SQLValue] = []
    if let workspaceID {
      clauses.append(
        "(workspace_id = ? OR (workspace_id IS NULL AND subject_user_id IN "
          + "(SELECT user_id FROM memberships WHERE workspace_id = ?)))")
      values += [.id(workspaceID), .id(workspaceID)]
    }
    if !actions.isEmpty {
      let alternatives = actions.map { $0.hasSuffix(".*") ? "action LIKE ?" : "action = ?" }
      clauses.append("(" + alternatives.joined(separator: " OR ") + ")")
      values += actions.map { .text($0.hasSuffix(".*") ? String($0.dropLast()) + "%" : $0) }
    }
    if let actor {
      clauses.append("(actor_id = ? OR actor_name = ? OR token_id = ?)")
      values += [.text(actor), .text(actor.lowercased()), .text(actor)]
    }
    if let since { clauses.append("event_at >= ?"); values.append(.time(since)) }
    if let until { clauses.append("event_at < ?"); values.append(.time(until)) }
    if let beforeSequence { clauses.append("seq < ?"); values.append(.integer(beforeSequence)) }
    if let fromSequence { clauses.append("seq >= ?"); values.append(.integer(fromSequence)) }
    return (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "), values)
  }
}
