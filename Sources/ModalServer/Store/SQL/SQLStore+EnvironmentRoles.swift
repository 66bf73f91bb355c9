/// Environment roles in both databases (migration 9).
extension SQLStore {
  private static func principalKind(_ principal: TokenOwner) -> String {
    switch principal {
    case .user: "user"
    case .serviceUser: "service_user"
    }
  }

  private static func environmentRole<R: SQLRow>(_ row: R) throws(ServerError) -> EnvironmentRoleRecord {
    let principal: TokenOwner
    switch row.text(1) {
    case "user": principal = .user(id: row.id(2))
    case "service_user": principal = .serviceUser(id: row.id(2))
    default: throw corrupt("environment role principal kind")
    }
    guard let role = EnvironmentAccess(rawValue: row.text(3)) else { throw corrupt("environment role") }
    return EnvironmentRoleRecord(environmentID: row.id(0), principal: principal, role: role, updatedAt: row.time(4))
  }

  package func environmentRoles(workspaceID: WorkspaceID) async throws(ServerError) -> [EnvironmentRoleRecord] {
    try await read { db throws(ServerError) in
      try db.query(
        """
        SELECT r.environment_id, r.principal_kind, r.principal_id, r.role, r.updated_at FROM environment_roles r
        JOIN environments e ON e.id = r.environment_id WHERE e.workspace_id = ? ORDER BY r.environment_id, r.principal_id
        """, [.id(workspaceID)], row: Self.environmentRole)
    }
  }

  package func environmentRole(environmentID: EnvironmentID, principal: TokenOwner) async throws(ServerError)
    -> EnvironmentAccess?
  {
    try await read { db throws(ServerError) in
      try db.first(
        "SELECT role FROM environment_roles WHERE environment_id = ? AND principal_id = ?",
        [.id(environmentID), .text(principal.rawID)]
      ) { row throws(ServerError) in EnvironmentAccess(rawValue: row.text(0)) } ?? nil
    }
  }

  package func setEnvironmentRole(
    environmentID: EnvironmentID, principal: TokenOwner, role: EnvironmentAccess?, at time: UnixTime, audit: AuditEntry?
  ) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      let key: [SQLValue] = [.id(environmentID), .text(principal.rawID)]
      let current = try db.first(
        "SELECT role FROM environment_roles WHERE environment_id = ? AND principal_id = ?", key
      ) { row throws(ServerError) in row.text(0) }
      guard current != role?.rawValue else { return false }
      try db.execute("DELETE FROM environment_roles WHERE environment_id = ? AND principal_id = ?", key)
      if let role {
        try db.execute(
          """
          INSERT INTO environment_roles (environment_id, principal_kind, principal_id, role, updated_at)
          VALUES (?, ?, ?, ?, ?)
          """, key.prefix(1) + [.text(Self.principalKind(principal)), key[1], .text(role.rawValue), .time(time)])
      }
      try Self.insertAudit(audit, db)
      return true
    }
  }
}
