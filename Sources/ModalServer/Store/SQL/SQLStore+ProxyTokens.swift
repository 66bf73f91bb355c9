/// Proxy tokens in both databases (migration 8): the tokens and the environments each is allowed in.
extension SQLStore {
  private static var proxyTokenSelect: String {
    """
    SELECT id, workspace_id, name, secret_hash, hash_key_id, secret_hint, scoped, created_by_id, created_by_name,
      created_at FROM proxy_tokens
    """
  }

  private static func proxyToken<R: SQLRow>(_ row: R) -> ProxyTokenRecord {
    ProxyTokenRecord(
      id: row.id(0), workspaceID: row.id(1), name: row.text(2), secretHash: row.text(3), hashKeyID: row.text(4),
      secretHint: row.text(5), scoped: row.bool(6), createdByID: row.text(7), createdByName: row.text(8),
      createdAt: row.time(9))
  }

  /// `tokens` with their environment ids filled in, in one more query.
  private static func withEnvironments(_ tokens: [ProxyTokenRecord], _ db: Connection) throws(ServerError)
    -> [ProxyTokenRecord]
  {
    guard !tokens.isEmpty else { return [] }
    let list = Array(repeating: "?", count: tokens.count).joined(separator: ", ")
    let pairs = try db.query(
      "SELECT token_id, environment_id FROM proxy_token_environments WHERE token_id IN (\(list)) "
        + "ORDER BY token_id, environment_id",
      tokens.map { .id($0.id) }
    ) { row throws(ServerError) -> (ProxyTokenID, EnvironmentID) in (row.id(0), row.id(1)) }
    let byToken = Dictionary(grouping: pairs, by: \.0)
    return tokens.map { token in
      var token = token
      token.environmentIDs = byToken[token.id, default: []].map(\.1)
      return token
    }
  }

  package func insertProxyToken(_ token: ProxyTokenRecord, audit: AuditEntry?) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.execute(
        """
        INSERT INTO proxy_tokens (id, workspace_id, name, secret_hash, hash_key_id, secret_hint, scoped, created_by_id,
          created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [.id(token.id), .id(token.workspaceID), .text(token.name), .text(token.secretHash), .text(token.hashKeyID),
         .text(token.secretHint), .bool(token.scoped), .text(token.createdByID), .text(token.createdByName),
         .time(token.createdAt)])
      for environment in token.environmentIDs {
        try db.execute(
          "INSERT INTO proxy_token_environments (token_id, environment_id) VALUES (?, ?)",
          [.id(token.id), .id(environment)])
      }
      try Self.insertAudit(audit, db)
    }
  }

  package func proxyToken(id: ProxyTokenID) async throws(ServerError) -> ProxyTokenRecord? {
    try await read { db throws(ServerError) in
      guard let token = try db.first(Self.proxyTokenSelect + " WHERE id = ?", [.id(id)], row: Self.proxyToken) else {
        return nil
      }
      return try Self.withEnvironments([token], db).first
    }
  }

  package func proxyTokens(workspaceID: WorkspaceID, usableIn environment: EnvironmentID?) async throws(ServerError)
    -> [ProxyTokenRecord]
  {
    try await read { db throws(ServerError) in
      var sql = Self.proxyTokenSelect + " WHERE workspace_id = ?"
      var values: [SQLValue] = [.id(workspaceID)]
      if let environment {
        sql += """
           AND (scoped = 0 OR id IN (SELECT token_id FROM proxy_token_environments WHERE environment_id = ?))
          """
        values.append(.id(environment))
      }
      let tokens = try db.query(sql + " ORDER BY created_at, id", values, row: Self.proxyToken)
      return try Self.withEnvironments(tokens, db)
    }
  }

  package func renameProxyToken(id: ProxyTokenID, name: String, audit: AuditEntry?) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      guard try db.execute("UPDATE proxy_tokens SET name = ? WHERE id = ?", [.text(name), .id(id)]) > 0 else { return false }
      try Self.insertAudit(audit, db)
      return true
    }
  }

  package func setProxyTokenEnvironment(id: ProxyTokenID, environmentID: EnvironmentID, allowed: Bool, audit: AuditEntry?)
    async throws(ServerError) -> Bool
  {
    try await write { db throws(ServerError) in
      // Any change of environments scopes the token: revoking never widens what it opens.
      guard try db.execute("UPDATE proxy_tokens SET scoped = 1 WHERE id = ?", [.id(id)]) > 0 else { return false }
      try db.execute(
        "DELETE FROM proxy_token_environments WHERE token_id = ? AND environment_id = ?", [.id(id), .id(environmentID)])
      if allowed {
        try db.execute(
          "INSERT INTO proxy_token_environments (token_id, environment_id) VALUES (?, ?)",
          [.id(id), .id(environmentID)])
      }
      try Self.insertAudit(audit, db)
      return true
    }
  }

  package func deleteProxyToken(id: ProxyTokenID, audit: AuditEntry?) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      try db.execute("DELETE FROM proxy_token_environments WHERE token_id = ?", [.id(id)])
      guard try db.execute("DELETE FROM proxy_tokens WHERE id = ?", [.id(id)]) > 0 else { return false }
      try Self.insertAudit(audit, db)
      return true
    }
  }
}
