/// OAuth authorization codes in both databases (migration 14).
extension SQLStore {
  /// How long a code is kept after it expires, so a late second use is still recognised as one.
  private static var keptAfterExpiry: Int64 { 3600 }

  private static var codeSelect: String {
    """
    SELECT id, code_hash, hash_key_id, client_id, workspace_id, user_id, scopes, redirect_uri, code_challenge,
      consent_address, created_at, expires_at, consumed_at, grant_id FROM oauth_codes
    """
  }

  private static func oauthCode<R: SQLRow>(_ row: R) throws(ServerError) -> OAuthCodeRecord {
    OAuthCodeRecord(
      id: row.id(0), codeHash: row.text(1), hashKeyID: row.text(2), clientID: row.id(3), workspaceID: row.id(4),
      userID: row.id(5), scopes: try scopes(row.text(6), "OAuth code scope list"), redirectURI: row.text(7),
      codeChallenge: row.text(8), consentAddress: row.text(9), createdAt: row.time(10), expiresAt: row.time(11),
      consumedAt: row.optionalTime(12), grantID: row.optionalText(13).map(OAuthGrantID.init(rawValue:)))
  }

  package func insertOAuthCode(_ code: OAuthCodeRecord) async throws(ServerError) {
    let values: [SQLValue] = [
      .id(code.id), .text(code.codeHash), .text(code.hashKeyID), .id(code.clientID), .id(code.workspaceID),
      .id(code.userID), .text(code.scopes.description), .text(code.redirectURI), .text(code.codeChallenge),
      .text(code.consentAddress), .time(code.createdAt), .time(code.expiresAt), .optional(code.consumedAt),
      .optional(code.grantID),
    ]
    let forgetBefore = code.createdAt.adding(seconds: -Self.keptAfterExpiry)
    try await write { db throws(ServerError) in
      try db.execute("DELETE FROM oauth_codes WHERE expires_at < ?", [.time(forgetBefore)])
      try db.execute(
        """
        INSERT INTO oauth_codes (id, code_hash, hash_key_id, client_id, workspace_id, user_id, scopes, redirect_uri,
          code_challenge, consent_address, created_at, expires_at, consumed_at, grant_id)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, values)
    }
  }

  package func oauthCode(id: OAuthCodeID) async throws(ServerError) -> OAuthCodeRecord? {
    try await read { db throws(ServerError) in
      try db.first(Self.codeSelect + " WHERE id = ?", [.id(id)], row: Self.oauthCode)
    }
  }

  package func redeemOAuthCode(id: OAuthCodeID, at time: UnixTime, grant: OAuthGrantRecord, audit: AuditEntry?)
    async throws(ServerError) -> Bool
  {
    try await write { db throws(ServerError) in
      let changed = try db.execute(
        "UPDATE oauth_codes SET consumed_at = ?, grant_id = ? WHERE id = ? AND consumed_at IS NULL",
        [.time(time), .id(grant.id), .id(id)])
      guard changed > 0 else { return false }
      try Self.insert(grant, db)
      try Self.insertAudit(audit, db)
      return true
    }
  }
}
