/// Second factors in both databases (migration 5): TOTP secrets, recovery codes, passkeys,
/// WebAuthn challenges and the workspace requirement.
extension SQLStore {
  package func markSecondFactor(sessionIDHash: String, at time: UnixTime) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.execute("UPDATE sessions SET second_factor_at = ? WHERE id_hash = ?", [.time(time), .text(sessionIDHash)])
    }
  }

  // MARK: TOTP and recovery codes

  package func totpSecret(userID: UserID) async throws(ServerError) -> TOTPRecord? {
    try await read { db throws(ServerError) in
      try db.first(
        "SELECT user_id, key_id, secret_sealed, last_counter, created_at FROM totp_secrets WHERE user_id = ?",
        [.id(userID)]
      ) { row throws(ServerError) in
        TOTPRecord(
          userID: row.id(0), keyID: row.text(1), secretSealed: row.text(2), lastCounter: row.int(3),
          createdAt: row.time(4))
      }
    }
  }

  package func setTOTPSecret(_ record: TOTPRecord, recoveryCodes: [RecoveryCodeRecord], audit: AuditEntry?)
    async throws(ServerError)
  {
    try await write { db throws(ServerError) in
      try Self.insertAudit(audit, db)
      try db.execute("DELETE FROM totp_secrets WHERE user_id = ?", [.id(record.userID)])
      try db.execute("DELETE FROM recovery_codes WHERE user_id = ?", [.id(record.userID)])
      try db.execute(
        "INSERT INTO totp_secrets (user_id, key_id, secret_sealed, last_counter, created_at) VALUES (?, ?, ?, ?, ?)",
        [.id(record.userID), .text(record.keyID), .text(record.secretSealed), .integer(record.lastCounter),
         .time(record.createdAt)])
      for code in recoveryCodes {
        try db.execute(
          "INSERT INTO recovery_codes (user_id, code_hash, hash_key_id, used_at) VALUES (?, ?, ?, NULL)",
          [.id(record.userID), .text(code.codeHash), .text(code.hashKeyID)])
      }
    }
  }

  package func deleteTOTPSecret(userID: UserID, audit: AuditEntry?) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      try db.execute("DELETE FROM recovery_codes WHERE user_id = ?", [.id(userID)])
      let deleted = try db.execute("DELETE FROM totp_secrets WHERE user_id = ?", [.id(userID)]) > 0
      if deleted { try Self.insertAudit(audit, db) }
      return deleted
    }
  }

  package func advanceTOTPCounter(userID: UserID, to counter: Int64) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      try db.execute(
        "UPDATE totp_secrets SET last_counter = ? WHERE user_id = ? AND last_counter < ?",
        [.integer(counter), .id(userID), .integer(counter)]) > 0
    }
  }

  package func unusedRecoveryCodes(userID: UserID) async throws(ServerError) -> [RecoveryCodeRecord] {
    try await read { db throws(ServerError) in
      try db.query(
        "SELECT code_hash, hash_key_id FROM recovery_codes WHERE user_id = ? AND used_at IS NULL ORDER BY code_hash",
        [.id(userID)]
      ) { row throws(ServerError) in RecoveryCodeRecord(codeHash: row.text(0), hashKeyID: row.text(1)) }
    }
  }

  package func useRecoveryCode(userID: UserID, codeHash: String, at time: UnixTime) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      try db.execute(
        "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
        [.time(time), .id(userID), .text(codeHash)]) > 0
    }
  }

  // MARK: Passkeys

  private static var passkeyColumns: String {
    "credential_id, user_id, name, algorithm, public_key, sign_count, user_verified, created_at, last_used_at"
  }

  private static func passkey<R: SQLRow>(_ row: R) -> PasskeyRecord {
    PasskeyRecord(
      credentialID: row.text(0), userID: row.id(1), name: row.text(2), algorithm: row.int(3), publicKey: row.text(4),
      signCount: row.int(5), userVerified: row.bool(6), createdAt: row.time(7), lastUsedAt: row.optionalTime(8))
  }

  package func insertPasskey(_ passkey: PasskeyRecord) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.execute(
        "INSERT INTO passkeys (\(Self.passkeyColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
          .text(passkey.credentialID), .id(passkey.userID), .text(passkey.name), .integer(passkey.algorithm),
          .text(passkey.publicKey), .integer(passkey.signCount), .bool(passkey.userVerified), .time(passkey.createdAt),
          .optional(passkey.lastUsedAt),
        ])
    }
  }

  package func passkeys(userID: UserID) async throws(ServerError) -> [PasskeyRecord] {
    try await read { db throws(ServerError) in
      try db.query(
        "SELECT \(Self.passkeyColumns) FROM passkeys WHERE user_id = ? ORDER BY created_at, credential_id",
        [.id(userID)]
      ) { row throws(ServerError) in Self.passkey(row) }
    }
  }

  package func passkey(credentialID: String) async throws(ServerError) -> PasskeyRecord? {
    try await read { db throws(ServerError) in
      try db.first("SELECT \(Self.passkeyColumns) FROM passkeys WHERE credential_id = ?", [.text(credentialID)]) {
        row throws(ServerError) in Self.passkey(row)
      }
    }
  }

  package func usePasskey(credentialID: String, signCount: Int64, at time: UnixTime) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      try db.execute(
        """
        UPDATE passkeys SET sign_count = ?, last_used_at = ?
        WHERE credential_id = ? AND (sign_count < ? OR (sign_count = 0 AND ? = 0))
        """, [.integer(signCount), .time(time), .text(credentialID), .integer(signCount), .integer(signCount)]) > 0
    }
  }

  package func renamePasskey(credentialID: String, userID: UserID, name: String) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      try db.execute(
        "UPDATE passkeys SET name = ? WHERE credential_id = ? AND user_id = ?",
        [.text(name), .text(credentialID), .id(userID)]) > 0
    }
  }

  package func deletePasskey(credentialID: String, userID: UserID) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      try db.execute("DELETE FROM passkeys WHERE credential_id = ? AND user_id = ?", [.text(credentialID), .id(userID)])
        > 0
    }
  }

  // MARK: WebAuthn challenges

  package func insertChallenge(hash: String, userID: UserID, purpose: String, expiresAt: UnixTime)
    async throws(ServerError)
  {
    try await write { db throws(ServerError) in
      // Expired challenges of anyone go with each new one, so the table stays small.
      try db.execute("DELETE FROM webauthn_challenges WHERE expires_at < ?", [.time(expiresAt.adding(seconds: -3600))])
      try db.execute(
        "INSERT INTO webauthn_challenges (challenge_hash, user_id, purpose, expires_at) VALUES (?, ?, ?, ?)",
        [.text(hash), .id(userID), .text(purpose), .time(expiresAt)])
    }
  }

  package func takeChallenge(hash: String, purpose: String, now: UnixTime) async throws(ServerError) -> UserID? {
    try await write { db throws(ServerError) in
      let found: (UserID, UnixTime)? = try db.first(
        "SELECT user_id, expires_at FROM webauthn_challenges WHERE challenge_hash = ? AND purpose = ?",
        [.text(hash), .text(purpose)]
      ) { row throws(ServerError) in (row.id(0), row.time(1)) }
      guard let found else { return nil }
      // Deleted by this transaction only if it is still there: a concurrent answer gets 0 rows.
      let taken = try db.execute("DELETE FROM webauthn_challenges WHERE challenge_hash = ?", [.text(hash)]) > 0
      return taken && found.1 > now ? found.0 : nil
    }
  }

  // MARK: Workspace requirement

  package func requiresSecondFactor(workspaceID: WorkspaceID) async throws(ServerError) -> Bool {
    try await read { db throws(ServerError) in
      try db.first(
        "SELECT require_second_factor FROM workspace_settings WHERE workspace_id = ?", [.id(workspaceID)]
      ) { row throws(ServerError) in row.bool(0) } ?? false
    }
  }

  package func setRequiresSecondFactor(workspaceID: WorkspaceID, _ required: Bool) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.execute("DELETE FROM workspace_settings WHERE workspace_id = ?", [.id(workspaceID)])
      try db.execute(
        "INSERT INTO workspace_settings (workspace_id, require_second_factor) VALUES (?, ?)",
        [.id(workspaceID), .bool(required)])
    }
  }
}
