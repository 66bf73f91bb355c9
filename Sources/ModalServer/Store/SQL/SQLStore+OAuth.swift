/// OAuth apps and grants in both databases (migration 13).
extension SQLStore {
  private static var appSelect: String {
    """
    SELECT id, workspace_id, name, redirect_uris, secret_hash, hash_key_id, secret_hint, public_key_jwk, scopes,
      created_by_id, created_by_name, created_at FROM oauth_apps
    """
  }

  private static var grantSelect: String {
    """
    SELECT id, client_id, workspace_id, user_id, scopes, refresh_hash, hash_key_id, created_at, revoked_at
      FROM oauth_grants
    """
  }

  static func scopes(_ text: String, _ what: String) throws(ServerError) -> ScopeSet {
    do { return try ScopeSet(parsing: text) } catch { throw corrupt(what) }
  }

  private static func oauthApp<R: SQLRow>(_ row: R) throws(ServerError) -> OAuthAppRecord {
    let jwk = row.text(7)
    let authentication: OAuthAppRecord.ClientAuthentication =
      jwk.isEmpty ? .secret(hash: row.text(4), keyID: row.text(5), hint: row.text(6)) : .publicKey(jwk: jwk)
    return OAuthAppRecord(
      id: row.id(0), workspaceID: row.id(1), name: row.text(2), redirectURIs: splitKeys(row.text(3)),
      authentication: authentication, scopes: try scopes(row.text(8), "OAuth app scope list"), createdByID: row.text(9),
      createdByName: row.text(10), createdAt: row.time(11))
  }

  private static func oauthGrant<R: SQLRow>(_ row: R) throws(ServerError) -> OAuthGrantRecord {
    OAuthGrantRecord(
      id: row.id(0), clientID: row.id(1), workspaceID: row.id(2), userID: row.id(3),
      scopes: try scopes(row.text(4), "OAuth grant scope list"), refreshHash: row.text(5), hashKeyID: row.text(6),
      createdAt: row.time(7), revokedAt: row.optionalTime(8))
  }

  package func insertOAuthApp(_ app: OAuthAppRecord, audit: AuditEntry?) async throws(ServerError) {
    var (hash, keyID, hint, jwk) = ("", "", "", "")
    switch app.authentication {
    case .secret(let secretHash, let secretKeyID, let secretHint): (hash, keyID, hint) = (secretHash, secretKeyID, secretHint)
    case .publicKey(let key): jwk = key
    }
    let values: [SQLValue] = [
      .id(app.id), .id(app.workspaceID), .text(app.name), .text(Self.joinKeys(app.redirectURIs)), .text(hash),
      .text(keyID), .text(hint), .text(jwk), .text(app.scopes.description), .text(app.createdByID),
      .text(app.createdByName), .time(app.createdAt),
    ]
    try await write { db throws(ServerError) in
      try db.execute(
        """
        INSERT INTO oauth_apps (id, workspace_id, name, redirect_uris, secret_hash, hash_key_id, secret_hint,
          public_key_jwk, scopes, created_by_id, created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, values)
      try Self.insertAudit(audit, db)
    }
  }

  package func oauthApp(id: OAuthClientID) async throws(ServerError) -> OAuthAppRecord? {
    try await read { db throws(ServerError) in
      try db.first(Self.appSelect + " WHERE id = ?", [.id(id)], row: Self.oauthApp)
    }
  }

  package func oauthApps(workspaceID: WorkspaceID) async throws(ServerError) -> [OAuthAppRecord] {
    try await read { db throws(ServerError) in
      try db.query(Self.appSelect + " WHERE workspace_id = ? ORDER BY created_at, id", [.id(workspaceID)], row: Self.oauthApp)
    }
  }

  package func deleteOAuthApp(id: OAuthClientID, audit: AuditEntry?) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      try db.execute("DELETE FROM oauth_grants WHERE client_id = ?", [.id(id)])
      guard try db.execute("DELETE FROM oauth_apps WHERE id = ?", [.id(id)]) > 0 else { return false }
      try Self.insertAudit(audit, db)
      try db.announce(.credentialsChanged)
      return true
    }
  }

  package func insertOAuthGrant(_ grant: OAuthGrantRecord, audit: AuditEntry?) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try Self.insert(grant, db)
      try Self.insertAudit(audit, db)
    }
  }

  static func insert(_ grant: OAuthGrantRecord, _ db: Connection) throws(ServerError) {
    let values: [SQLValue] = [
      .id(grant.id), .id(grant.clientID), .id(grant.workspaceID), .id(grant.userID), .text(grant.scopes.description),
      .text(grant.refreshHash), .text(grant.hashKeyID), .time(grant.createdAt), .optional(grant.revokedAt),
    ]
    try db.execute(
      """
      INSERT INTO oauth_grants (id, client_id, workspace_id, user_id, scopes, refresh_hash, hash_key_id, created_at,
        revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      """, values)
  }

  package func oauthGrant(id: OAuthGrantID) async throws(ServerError) -> OAuthGrantRecord? {
    try await read { db throws(ServerError) in
      try db.first(Self.grantSelect + " WHERE id = ?", [.id(id)], row: Self.oauthGrant)
    }
  }

  package func oauthGrants(workspaceID: WorkspaceID, userID: UserID?) async throws(ServerError) -> [OAuthGrantRecord] {
    try await read { db throws(ServerError) in
      var sql = Self.grantSelect + " WHERE workspace_id = ?"
      var values: [SQLValue] = [.id(workspaceID)]
      if let userID {
        sql += " AND user_id = ?"
        values.append(.id(userID))
      }
      return try db.query(sql + " ORDER BY created_at, id", values, row: Self.oauthGrant)
    }
  }

  package func revokeOAuthGrant(id: OAuthGrantID, at time: UnixTime, audit: AuditEntry?) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      let changed = try db.execute(
        "UPDATE oauth_grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [.time(time), .id(id)])
      guard changed > 0 else { return false }
      try Self.insertAudit(audit, db)
      try db.announce(.credentialsChanged)
      return true
    }
  }
}
