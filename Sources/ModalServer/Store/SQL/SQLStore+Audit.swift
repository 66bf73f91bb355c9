/// The audit log (`AuditEntry`): written inside the transactions of the changes it records.
extension SQLStore {
  private static var auditColumns: String {
    """
    seq, id, event_at, workspace_id, subject_user_id, actor_kind, actor_id, actor_name, token_id, address, source,
      action, target_kind, target_id, target_name, outcome, detail, repeat_count
    """
  }

  /// Inside a write: appends `entry` (nothing when `nil`) at the next position. The table lock
  /// makes concurrent writers on several replicas take turns for the position, so positions are
  /// unique and follow commit order; audited changes are rare enough for that to cost nothing.
  static func insertAudit(_ entry: AuditEntry?, _ db: Connection) throws(ServerError) {
    guard let entry else { return }
    try db.lockTable("audit_log")
    let next = try db.first("SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log") { row throws(ServerError) in row.int(0) } ?? 1
    try db.execute(
      "INSERT INTO audit_log (\(auditColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [
        .integer(next), .text(entry.id), .time(entry.time), .optional(entry.workspaceID), .optional(entry.subjectUserID),
        .text(entry.actor.kind.rawValue), .text(entry.actor.id), .text(entry.actor.name), .optional(entry.actor.tokenID),
        .text(entry.actor.address), .text(entry.actor.source), .text(entry.action.rawValue), .text(entry.target.kind),
        .text(entry.target.id), .text(entry.target.name), .text(entry.outcome.rawValue), .text(entry.detailJSON),
        .integer(entry.count),
      ])
  }

  package func recordAudit(_ entry: AuditEntry) async throws(ServerError) {
    try await write { db throws(ServerError) in try Self.insertAudit(entry, db) }
  }

  package func recordAudit(_ entry: AuditEntry, coalescingAfter limit: Int) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.lockTable("audit_log")
      let minute = UnixTime(microseconds: entry.time.microseconds - entry.time.microseconds % 60_000_000)
      let recent = try db.query(
        """
        SELECT seq FROM audit_log WHERE address = ? AND action = ? AND event_at >= ? ORDER BY seq DESC LIMIT ?
        """, [.text(entry.actor.address), .text(entry.action.rawValue), .time(minute), .integer(Int64(limit))]
      ) { row throws(ServerError) in row.int(0) }
      if recent.count >= limit, let newest = recent.first {
        try db.execute("UPDATE audit_log SET repeat_count = repeat_count + 1 WHERE seq = ?", [.integer(newest)])
      } else {
        try Self.insertAudit(entry, db)
      }
    }
  }

  package func auditEntries(_ query: AuditQuery) async throws(ServerError) -> [AuditEntry] {
    let (condition, values) = query.condition()
    let order = query.oldestFirst ? "ASC" : "DESC"
    let sql = "SELECT \(Self.auditColumns) FROM audit_log\(condition) ORDER BY seq \(order) LIMIT ?"
    return try await read { db throws(ServerError) in
      try db.query(sql, values + [.integer(Int64(max(0, query.limit)))], row: Self.auditEntry)
    }
  }

  package func auditCount(_ query: AuditQuery) async throws(ServerError) -> Int {
    let (condition, values) = query.condition()
    return try await read { db throws(ServerError) in
      Int(try db.first("SELECT COUNT(*) FROM audit_log\(condition)", values) { row throws(ServerError) in row.int(0) } ?? 0)
    }
  }

  package func pruneAudit(before time: UnixTime) async throws(ServerError) -> Int {
    try await write { db throws(ServerError) in
      try db.execute("DELETE FROM audit_log WHERE event_at < ?", [.time(time)])
    }
  }

  package func noteTokenAddress(_ tokenID: TokenID, address: String, at time: UnixTime, audit: AuditEntry)
    async throws(ServerError) -> Bool
  {
    try await write { db throws(ServerError) in
      let known = try db.first(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN address = ? THEN 1 ELSE 0 END), 0) FROM token_addresses WHERE token_id = ?",
        [.text(address), .id(tokenID)]
      ) { row throws(ServerError) in (all: row.int(0), this: row.int(1)) }
      guard let known, known.this == 0 else { return false }
      // A token deleted meanwhile has no row to reference: nothing to note.
      guard try db.first("SELECT 1 FROM tokens WHERE id = ?", [.id(tokenID)], row: { _ throws(ServerError) in true }) != nil
      else { return false }
      let inserted = try db.execute(
        "INSERT INTO token_addresses (token_id, address, first_seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [.id(tokenID), .text(address), .time(time)])
      // The first address a token is used from is where it was meant to be used: not news.
      if inserted > 0 && known.all > 0 { try Self.insertAudit(audit, db) }
      return inserted > 0 && known.all > 0
    }
  }

  static func auditEntry(_ row: Connection.Row) throws(ServerError) -> AuditEntry {
    guard let kind = AuditActor.Kind(rawValue: row.text(5)), let outcome = AuditOutcome(rawValue: row.text(15)) else {
      throw ServerError(.internal, "The audit log holds an entry of an unknown kind (\(row.text(5)), \(row.text(15))).")
    }
    let actor = AuditActor(
      kind: kind, id: row.text(6), name: row.text(7), tokenID: row.optionalID(8), address: row.text(9),
      source: row.text(10))
    var entry = AuditEntry(
      AuditAction(rawValue: row.text(11)), by: actor,
      target: AuditTarget(kind: row.text(12), id: row.text(13), name: row.text(14)), workspaceID: row.optionalID(3),
      at: row.time(2), outcome: outcome, detail: AuditEntry.detail(fromJSON: row.text(16)),
      subjectUserID: row.optionalID(4))
    entry.id = row.text(1)
    entry.sequence = row.int(0)
    entry.count = row.int(17)
    return entry
  }
}
