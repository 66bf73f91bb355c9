/// The store operations both databases share, written once: each is one transaction of statements
/// in the SQL that SQLite and PostgreSQL both accept (`?` placeholders, INTEGER times, 0/1
/// booleans). A conforming store supplies connections through `read` and `write`.
protocol SQLStore: Store {
  /// The connection type of the database.
  associatedtype Connection: SQLConnection

  /// Runs `body` on a connection that may only read.
  @discardableResult
  func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws(ServerError) -> T) async throws(ServerError)
    -> T
  /// Runs `body` inside one transaction (committed if it returns, rolled back if it throws), then
  /// publishes the events it announced.
  @discardableResult
  func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws(ServerError) -> T) async throws(ServerError)
    -> T
}

extension SQLStore {
  /// The applied schema version.
  package func schemaVersion() async throws(ServerError) -> Int {
    try await read { db throws(ServerError) in
      try db.first("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") { row throws(ServerError) in
        Int(row.int(0))
      } ?? 0
    }
  }

  package func registerKeys(_ keys: [(id: String, fingerprint: String)], at time: UnixTime) async throws(ServerError)
    -> KeyRegistration
  {
    try await write { db throws(ServerError) in
      try db.lockTable("server_keys")
      let rows = try db.query("SELECT key_id, fingerprint FROM server_keys", []) { row throws(ServerError) in
        (row.text(0), row.text(1))
      }
      let known = Dictionary(rows, uniquingKeysWith: { first, _ in first })
      for key in keys {
        if let recorded = known[key.id], recorded != key.fingerprint { return .differs(keyID: key.id) }
      }
      if !known.isEmpty && !keys.contains(where: { known[$0.id] != nil }) {
        return .unknown(known: known.keys.sorted())
      }
      for key in keys where known[key.id] == nil {
        _ = try db.execute(
          "INSERT INTO server_keys (key_id, fingerprint, recorded_at) VALUES (?, ?, ?)",
          [.text(key.id), .text(key.fingerprint), .time(time)])
      }
      return .accepted
    }
  }

  package func hasLiveDataWithout(anyOfKeyIDs keyIDs: [String]) async throws(ServerError) -> Bool {
    try await read { db throws(ServerError) in
      func exists(_ sql: String, _ values: [SQLValue] = []) throws(ServerError) -> Bool {
        try db.first(sql, values) { _ throws(ServerError) in true } ?? false
      }
      let live = "SELECT 1 FROM tokens WHERE revoked_at IS NULL"
      let hasTokens = try exists(live + " LIMIT 1")
      let hasSecrets = try exists("SELECT 1 FROM secrets LIMIT 1")
      guard hasTokens || hasSecrets else { return false }
      guard !keyIDs.isEmpty else { return true }
      let list = Array(repeating: "?", count: keyIDs.count).joined(separator: ", ")
      let values = keyIDs.map(SQLValue.text)
      if try exists("\(live) AND hash_key_id IN (\(list)) LIMIT 1", values) { return false }
      return try !exists("SELECT 1 FROM secrets WHERE values_key_id IN (\(list)) LIMIT 1", values)
    }
  }

  // MARK: Accounts

  package func createAccount(user: User, workspace: Workspace, environment: Environment, token: TokenRecord?)
    async throws(ServerError)
  {
    try await write { db throws(ServerError) in
      try Self.insert(user, db)
      try Self.insert(workspace, db)
      try Self.upsert(
        Membership(workspaceID: workspace.id, userID: user.id, role: .owner, createdAt: user.createdAt), db)
      try Self.insert(environment, db)
      if let token { try Self.insert(token, db) }
    }
  }

  package func insertUser(_ user: User) async throws(ServerError) {
    try await write { db throws(ServerError) in try Self.insert(user, db) }
  }

  package func user(id: UserID) async throws(ServerError) -> User? {
    try await read { db throws(ServerError) in
      try db.first(Self.userSelect + " WHERE id = ?", [.id(id)], row: Self.user)
    }
  }

  package func user(email: String) async throws(ServerError) -> User? {
    try await read { db throws(ServerError) in
      try db.first(Self.userSelect + " WHERE email = ?", [.text(email.lowercased())], row: Self.user)
    }
  }

  package func setPasswordHash(userID: UserID, hash: String) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [.text(hash), .id(userID)])
    }
  }

  package func insertWorkspace(_ workspace: Workspace, owner: Membership, environment: Environment)
    async throws(ServerError)
  {
    try await write { db throws(ServerError) in
      try Self.insert(workspace, db)
      try Self.upsert(owner, db)
      try Self.insert(environment, db)
    }
  }

  package func workspace(id: WorkspaceID) async throws(ServerError) -> Workspace? {
    try await read { db throws(ServerError) in
      try db.first(Self.workspaceSelect + " WHERE id = ?", [.id(id)], row: Self.workspace)
    }
  }

  package func workspace(name: String) async throws(ServerError) -> Workspace? {
    try await read { db throws(ServerError) in
      try db.first(Self.workspaceSelect + " WHERE name = ?", [.text(name)], row: Self.workspace)
    }
  }

  package func upsertMembership(_ membership: Membership, audit: AuditEntry?) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try Self.upsert(membership, db)
      try Self.insertAudit(audit, db)
      try db.announce(.credentialsChanged)
    }
  }

  package func membership(workspaceID: WorkspaceID, userID: UserID) async throws(ServerError) -> Membership? {
    try await read { db throws(ServerError) in
      try db.first(
        Self.membershipSelect + " WHERE workspace_id = ? AND user_id = ?", [.id(workspaceID), .id(userID)],
        row: Self.membership)
    }
  }

  package func workspaces(userID: UserID) async throws(ServerError) -> [WorkspaceWithRole] {
    // The workspace columns in `workspaceSelect`'s order (the row reader reads them by position), then the role.
    let select = """
      SELECT w.id, w.name, w.kind, w.created_at, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
      WHERE m.user_id = ? ORDER BY m.created_at, m.workspace_id
      """
    return try await read { db throws(ServerError) in
      try db.query(select, [.id(userID)]) { row throws(ServerError) in
        WorkspaceWithRole(workspace: try Self.workspace(row), role: try Self.role(row.text(4)))
      }
    }
  }

  package func memberships(workspaceID: WorkspaceID) async throws(ServerError) -> [Membership] {
    try await read { db throws(ServerError) in
      try db.query(
        Self.membershipSelect + " WHERE workspace_id = ? ORDER BY created_at, user_id", [.id(workspaceID)],
        row: Self.membership)
    }
  }

  package func members(workspaceID: WorkspaceID) async throws(ServerError) -> [MemberWithUser] {
    // The membership columns in `membershipSelect`'s order, then the user's in `userSelect`'s.
    let select = """
      SELECT m.workspace_id, m.user_id, m.role, m.created_at, u.id, u.email, u.password_hash, u.created_at
      FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? ORDER BY m.created_at, m.user_id
      """
    return try await read { db throws(ServerError) in
      try db.query(select, [.id(workspaceID)]) { row throws(ServerError) in
        MemberWithUser(
          user: User(id: row.id(4), email: row.text(5), passwordHash: row.optionalText(6), createdAt: row.time(7)),
          membership: try Self.membership(row))
      }
    }
  }

  package func insertServiceUser(_ serviceUser: ServiceUser, token: TokenRecord?, audit: [AuditEntry])
    async throws(ServerError)
  {
    try await write { db throws(ServerError) in
      try db.execute(
        "INSERT INTO service_users (id, workspace_id, name, role, created_by_user_id, created_at, scoped) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
          .id(serviceUser.id), .id(serviceUser.workspaceID), .text(serviceUser.name),
          .text(serviceUser.role.rawValue),
          .id(serviceUser.createdByUserID), .time(serviceUser.createdAt), .bool(serviceUser.scoped),
        ])
      if let token { try Self.insert(token, db) }
      for entry in audit { try Self.insertAudit(entry, db) }
    }
  }

  package func serviceUser(id: ServiceUserID) async throws(ServerError) -> ServiceUser? {
    try await read { db throws(ServerError) in
      try db.first(
        "SELECT id, workspace_id, name, role, created_by_user_id, created_at, scoped FROM service_users WHERE id = ?",
        [.id(id)],
        row: Self.serviceUser)
    }
  }

  package func serviceUsers(workspaceID: WorkspaceID) async throws(ServerError) -> [ServiceUser] {
    try await serviceUsersWithCreators(workspaceID: workspaceID).map(\.serviceUser)
  }

  package func serviceUsersWithCreators(workspaceID: WorkspaceID) async throws(ServerError) -> [ServiceUserWithCreator] {
    let select = """
      SELECT s.id, s.workspace_id, s.name, s.role, s.created_by_user_id, s.created_at, s.scoped, u.email
      FROM service_users s LEFT JOIN users u ON u.id = s.created_by_user_id WHERE s.workspace_id = ? ORDER BY s.created_at, s.id
      """
    return try await read { db throws(ServerError) in
      try db.query(select, [.id(workspaceID)]) { row throws(ServerError) in
        ServiceUserWithCreator(serviceUser: try Self.serviceUser(row), creatorEmail: row.optionalText(7))
      }
    }
  }

  package func deleteServiceUser(id: ServiceUserID, at time: UnixTime, audit: AuditEntry?) async throws(ServerError)
    -> Bool
  {
    try await write { db throws(ServerError) in
      _ = try db.execute(
        "UPDATE tokens SET revoked_at = ? WHERE owner_kind = 'service_user' AND owner_id = ? AND revoked_at IS NULL",
        [.time(time), .id(id)])
      try db.execute("DELETE FROM environment_roles WHERE principal_id = ?", [.id(id)])
      try db.announce(.credentialsChanged)
      guard try db.execute("DELETE FROM service_users WHERE id = ?", [.id(id)]) > 0 else { return false }
      try Self.insertAudit(audit, db)
      return true
    }
  }

  package func setRole(workspaceID: WorkspaceID, userID: UserID, role: Role, audit: AuditEntry?) async throws(ServerError)
    -> MembershipChange
  {
    try await write { db throws(ServerError) in
      if let refusal = try Self.checkOwnerRemains(db, workspaceID: workspaceID, userID: userID, newRole: role) {
        return refusal
      }
      try db.execute(
        "UPDATE memberships SET role = ? WHERE workspace_id = ? AND user_id = ?",
        [.text(role.rawValue), .id(workspaceID), .id(userID)])
      try Self.insertAudit(audit, db)
      try db.announce(.credentialsChanged)
      return .done
    }
  }

  package func deleteMembership(workspaceID: WorkspaceID, userID: UserID, at time: UnixTime, audit: AuditEntry?)
    async throws(ServerError) -> MembershipChange
  {
    try await write { db throws(ServerError) in
      if let refusal = try Self.checkOwnerRemains(db, workspaceID: workspaceID, userID: userID, newRole: nil) {
        return refusal
      }
      _ = try db.execute(
        "UPDATE tokens SET revoked_at = ? WHERE workspace_id = ? AND owner_kind = 'user' AND owner_id = ? AND revoked_at IS NULL",
        [.time(time), .id(workspaceID), .id(userID)])
      try db.execute(
        "DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?", [.id(workspaceID), .id(userID)])
      // A member added again starts from the defaults, not from the roles they had before.
      try db.execute(
        "DELETE FROM environment_roles WHERE principal_id = ? AND environment_id IN "
          + "(SELECT id FROM environments WHERE workspace_id = ?)", [.id(userID), .id(workspaceID)])
      try Self.insertAudit(audit, db)
      try db.announce(.credentialsChanged)
      return .done
    }
  }

  /// Inside a write: locks the workspace row (so concurrent membership changes of one workspace
  /// take turns), then refuses a change that would leave it without an owner, or of a non-member.
  /// `newRole` is `nil` for a removal.
  static func checkOwnerRemains(_ db: Connection, workspaceID: WorkspaceID, userID: UserID, newRole: Role?)
    throws(ServerError)
    -> MembershipChange?
  {
    try db.lockRow(table: "workspaces", id: workspaceID)
    guard
      let current = try db.first(
        "SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?", [.id(workspaceID), .id(userID)],
        row: { row throws(ServerError) in row.text(0) })
    else { return .notMember }
    guard current == Role.owner.rawValue, newRole != .owner else { return nil }
    let otherOwners =
      try db.first(
        "SELECT COUNT(*) FROM memberships WHERE workspace_id = ? AND role = 'owner' AND user_id <> ?",
        [.id(workspaceID), .id(userID)]
      ) { row throws(ServerError) in row.int(0) } ?? 0
    return otherOwners == 0 ? .lastOwner : nil
  }

  // MARK: Tokens

  package func insertToken(_ token: TokenRecord, audit: AuditEntry?) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try Self.insert(token, db)
      try Self.insertAudit(audit, db)
    }
  }

  package func token(id: TokenID) async throws(ServerError) -> TokenRecord? {
    try await read { db throws(ServerError) in
      try db.first(Self.tokenSelect + " WHERE id = ?", [.id(id)], row: Self.token)
    }
  }

  package func tokens(workspaceID: WorkspaceID, owner: TokenOwner?) async throws(ServerError) -> [TokenRecord] {
    try await read { db throws(ServerError) in
      if let owner {
        return try db.query(
          Self.tokenSelect + " WHERE workspace_id = ? AND owner_id = ? ORDER BY created_at DESC, id",
          [.id(workspaceID), .text(owner.rawID)], row: Self.token)
      }
      return try db.query(
        Self.tokenSelect + " WHERE workspace_id = ? ORDER BY created_at DESC, id", [.id(workspaceID)], row: Self.token
      )
    }
  }

  package func tokensWithCreators(workspaceID: WorkspaceID, owner: TokenOwner?) async throws(ServerError)
    -> [TokenWithCreator]
  {
    // The token columns in `tokenSelect`'s order (the row reader reads them by position), then the email.
    let select = """
      SELECT t.id, t.workspace_id, t.owner_kind, t.owner_id, t.created_by_user_id, t.name, t.secret_hash, t.hash_key_id,
        t.secret_hint, t.scopes, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, t.disabled_at, u.email
      FROM tokens t LEFT JOIN users u ON u.id = t.created_by_user_id WHERE t.workspace_id = ?
      """
    let ownerFilter = owner == nil ? "" : " AND t.owner_id = ?"
    let values: [SQLValue] = [.id(workspaceID)] + (owner.map { [.text($0.rawID)] } ?? [])
    return try await read { db throws(ServerError) in
      try db.query(select + ownerFilter + " ORDER BY t.created_at DESC, t.id", values) { row throws(ServerError) in
        TokenWithCreator(token: try Self.token(row), creatorEmail: row.optionalText(15))
      }
    }
  }

  package func revokeToken(id: TokenID, at time: UnixTime, audit: AuditEntry?) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      let changed = try db.execute(
        "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [.time(time), .id(id)])
      if changed > 0 {
        try Self.insertAudit(audit, db)
        try db.announce(.credentialsChanged)
      }
      return changed > 0
    }
  }

  package func setTokensDisabled(_ ids: [TokenID], at time: UnixTime?, audit: [TokenID: AuditEntry])
    async throws(ServerError) -> [TokenID]
  {
    // Only real changes are written and audited: disabling a disabled or revoked token, or
    // enabling an enabled one, changes nothing.
    let update =
      time == nil
      ? "UPDATE tokens SET disabled_at = NULL WHERE id = ? AND disabled_at IS NOT NULL AND revoked_at IS NULL"
      : "UPDATE tokens SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL AND revoked_at IS NULL"
    return try await write { db throws(ServerError) in
      var changed: [TokenID] = []
      for id in ids {
        let values: [SQLValue] = (time.map { [SQLValue.time($0)] } ?? []) + [.id(id)]
        guard try db.execute(update, values) > 0 else { continue }
        try Self.insertAudit(audit[id], db)
        changed.append(id)
      }
      if !changed.isEmpty { try db.announce(.credentialsChanged) }
      return changed
    }
  }

  package func tokens(secretHashes: [String]) async throws(ServerError) -> [TokenRecord] {
    if secretHashes.isEmpty { return [] }
    return try await read { db throws(ServerError) in
      let marks = Array(repeating: "?", count: secretHashes.count).joined(separator: ", ")
      return try db.query(
        Self.tokenSelect + " WHERE secret_hash IN (\(marks))", secretHashes.map(SQLValue.text), row: Self.token)
    }
  }

  package func secretFingerprint(of id: TokenID) async throws(ServerError) -> String? {
    try await read { db throws(ServerError) in
      try db.first("SELECT secret_sha256 FROM tokens WHERE id = ?", [.id(id)]) { row throws(ServerError) in
        row.optionalText(0)
      } ?? nil
    }
  }

  package func recordUsage(tokens: [TokenID: UnixTime], secrets: [SecretID: UnixTime]) async throws(ServerError) {
    if tokens.isEmpty && secrets.isEmpty { return }
    try await write { db throws(ServerError) in
      for (id, time) in tokens {
        try db.execute(
          "UPDATE tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
          [.time(time), .id(id), .time(time)])
      }
      for (id, time) in secrets {
        try db.execute(
          "UPDATE secrets SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
          [.time(time), .id(id), .time(time)])
      }
    }
  }

  // MARK: Token flows

  package func insertFlow(_ flow: TokenFlowRecord) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.execute(
        """
        INSERT INTO token_flows (id, code, wait_secret_hash, hash_key_id, state, created_at, expires_at,
          token_lifetime_seconds, localhost_port, utm_source, next_url, requesting_node, requesting_peer)
        VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
          .id(flow.id), .text(flow.code), .text(flow.waitSecretHash), .text(flow.hashKeyID), .time(flow.createdAt),
          .time(flow.expiresAt), .optional(flow.tokenLifetimeSeconds), .integer(Int64(flow.localhostPort)),
          .text(flow.utmSource), .text(flow.nextURL), .text(flow.requestingNode), .text(flow.requestingPeer),
        ])
    }
  }

  package func flow(id: FlowID) async throws(ServerError) -> TokenFlowRecord? {
    try await read { db throws(ServerError) in
      try db.first(Self.flowSelect + " WHERE id = ?", [.id(id)], row: Self.flow)
    }
  }

  package func newestFlow(code: String) async throws(ServerError) -> TokenFlowRecord? {
    try await read { db throws(ServerError) in
      try db.first(Self.flowSelect + " WHERE code = ? ORDER BY created_at DESC LIMIT 1", [.text(code)], row: Self.flow)
    }
  }

  package func pendingFlow(code: String, now: UnixTime) async throws(ServerError) -> TokenFlowRecord? {
    try await read { db throws(ServerError) in
      try db.first(
        Self.flowSelect + " WHERE code = ? AND state = 'pending' AND expires_at > ?", [.text(code), .time(now)],
        row: Self.flow)
    }
  }

  package func approveFlow(id: FlowID, userID: UserID, workspaceID: WorkspaceID, at time: UnixTime, audit: AuditEntry?)
    async throws(ServerError) -> Bool
  {
    try await write { db throws(ServerError) in
      let changed = try db.execute(
        """
        UPDATE token_flows SET state = 'approved', approved_by_user_id = ?, approved_workspace_id = ?, approved_at = ?
        WHERE id = ? AND state = 'pending' AND expires_at > ?
        """, [.id(userID), .id(workspaceID), .time(time), .id(id), .time(time)])
      if changed > 0 {
        try Self.insertAudit(audit, db)
        try db.announce(.flowChanged(id: id))
      }
      return changed > 0
    }
  }

  package func consumeFlow(id: FlowID, token: TokenRecord, at time: UnixTime, audit: AuditEntry?) async throws(ServerError)
    -> FlowConsumption
  {
    try await write { db throws(ServerError) in
      try db.lockRow(table: "workspaces", id: token.workspaceID)
      if case .user(let userID) = token.owner {
        let member = try db.first(
          "SELECT 1 FROM memberships WHERE workspace_id = ? AND user_id = ?",
          [.id(token.workspaceID), .id(userID)],
          row: { _ throws(ServerError) in true })
        guard member != nil else {
          let deleted = try db.execute("DELETE FROM token_flows WHERE id = ? AND state = 'approved'", [.id(id)])
          if deleted > 0 { try db.announce(.flowChanged(id: id)) }
          return deleted > 0 ? .approverNotMember : .notApproved
        }
      }
      let changed = try db.execute(
        "UPDATE token_flows SET state = 'consumed', token_id = ?, consumed_at = ? WHERE id = ? AND state = 'approved'",
        [.id(token.id), .time(time), .id(id)])
      guard changed > 0 else { return .notApproved }
      try Self.insert(token, db)
      try Self.insertAudit(audit, db)
      return .consumed
    }
  }

  package func deleteExpired(before time: UnixTime) async throws(ServerError) -> Int {
    try await write { db throws(ServerError) in
      let flows = try db.execute("DELETE FROM token_flows WHERE expires_at < ? AND state <> 'consumed'", [.time(time)])
      let secrets = try db.execute("DELETE FROM secrets WHERE expires_at IS NOT NULL AND expires_at < ?", [.time(time)])
      let sessions = try db.execute("DELETE FROM sessions WHERE expires_at < ?", [.time(time)])
      let failures = try db.execute("DELETE FROM attempt_failures WHERE failed_at < ?", [.time(time)])
      return flows + secrets + sessions + failures
    }
  }

  // MARK: Environments

  package func environments(workspaceID: WorkspaceID) async throws(ServerError) -> [Environment] {
    try await read { db throws(ServerError) in
      try db.query(
        Self.environmentSelect + " WHERE workspace_id = ? ORDER BY is_default DESC, created_at, name",
        [.id(workspaceID)],
        row: Self.environment)
    }
  }

  package func environment(workspaceID: WorkspaceID, name: String) async throws(ServerError) -> Environment? {
    try await read { db throws(ServerError) in
      try db.first(
        Self.environmentSelect + " WHERE workspace_id = ? AND name = ?", [.id(workspaceID), .text(name)],
        row: Self.environment)
    }
  }

  package func environment(id: EnvironmentID) async throws(ServerError) -> Environment? {
    try await read { db throws(ServerError) in
      try db.first(Self.environmentSelect + " WHERE id = ?", [.id(id)], row: Self.environment)
    }
  }

  package func insertEnvironment(_ environment: Environment) async throws(ServerError) {
    try await write { db throws(ServerError) in try Self.insert(environment, db) }
  }

  package func updateEnvironment(id: EnvironmentID, name: String?, webhookSuffix: String?) async throws(ServerError) {
    try await write { db throws(ServerError) in
      if let name { try db.execute("UPDATE environments SET name = ? WHERE id = ?", [.text(name), .id(id)]) }
      if let webhookSuffix {
        try db.execute("UPDATE environments SET webhook_suffix = ? WHERE id = ?", [.text(webhookSuffix), .id(id)])
      }
    }
  }

  package func deleteEnvironment(id: EnvironmentID) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.execute("DELETE FROM secrets WHERE environment_id = ?", [.id(id)])
      try db.execute("DELETE FROM environments WHERE id = ?", [.id(id)])
    }
  }

  package func setDefaultEnvironment(workspaceID: WorkspaceID, id: EnvironmentID, audit: AuditEntry?)
    async throws(ServerError)
  {
    try await write { db throws(ServerError) in
      // Two statements, because the one-default index is checked row by row in PostgreSQL.
      try db.execute("UPDATE environments SET is_default = 0 WHERE workspace_id = ?", [.id(workspaceID)])
      try db.execute("UPDATE environments SET is_default = 1 WHERE id = ? AND workspace_id = ?", [.id(id), .id(workspaceID)])
      try Self.insertAudit(audit, db)
    }
  }

  // MARK: Secrets

  package func insertSecret(_ secret: SecretRecord, values: SealedValues, audit: AuditEntry?) async throws(ServerError)
    -> SecretRecord
  {
    try await write { db throws(ServerError) in
      // Serializes secret creation per environment across replicas, so creation times stay distinct.
      try db.lockRow(table: "environments", id: secret.environmentID)
      let latest =
        try db.first("SELECT MAX(created_at) FROM secrets WHERE environment_id = ?", [.id(secret.environmentID)]) {
          row throws(ServerError) in row.optionalInt(0)
        } ?? nil
      var stored = secret
      if let latest, latest >= secret.createdAt.microseconds {
        stored.createdAt = UnixTime(microseconds: latest + 1)
      }
      try db.execute(
        """
        INSERT INTO secrets (id, workspace_id, environment_id, name, key_names, values_key_id, values_sealed, created_by,
          created_at, updated_at, last_used_at, expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
        """,
        [
          .id(stored.id), .id(stored.workspaceID), .id(stored.environmentID), .optional(stored.name),
          .text(Self.joinKeys(stored.keys)), .text(values.keyID), .bytes(values.ciphertext), .text(stored.createdBy),
          .time(stored.createdAt), .time(stored.updatedAt), .optional(stored.expiresAt),
        ])
      try Self.insertAudit(audit, db)
      return stored
    }
  }

  package func replaceSecretValues(
    id: SecretID, keys: [String], values: SealedValues, replacing expected: SealedValues?, at time: UnixTime,
    audit: AuditEntry?
  ) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      var sql = "UPDATE secrets SET key_names = ?, values_key_id = ?, values_sealed = ?, updated_at = ? WHERE id = ?"
      var arguments: [SQLValue] = [
        .text(Self.joinKeys(keys)), .text(values.keyID), .bytes(values.ciphertext), .time(time), .id(id),
      ]
      if let expected {
        sql += " AND values_key_id = ? AND values_sealed = ?"
        arguments += [.text(expected.keyID), .bytes(expected.ciphertext)]
      }
      let changed = try db.execute(sql, arguments) > 0
      if changed { try Self.insertAudit(audit, db) }
      return changed
    }
  }

  package func secret(id: SecretID) async throws(ServerError) -> SecretRecord? {
    try await read { db throws(ServerError) in
      try db.first(Self.secretSelect + " WHERE id = ?", [.id(id)], row: Self.secret)
    }
  }

  package func secret(environmentID: EnvironmentID, name: String) async throws(ServerError) -> SecretRecord? {
    try await read { db throws(ServerError) in
      try db.first(
        Self.secretSelect + " WHERE environment_id = ? AND name = ?", [.id(environmentID), .text(name)],
        row: Self.secret)
    }
  }

  package func secretValues(id: SecretID) async throws(ServerError) -> SealedValues? {
    try await read { db throws(ServerError) in
      try db.first("SELECT values_key_id, values_sealed FROM secrets WHERE id = ?", [.id(id)]) {
        row throws(ServerError) in
        SealedValues(keyID: row.text(0), ciphertext: row.bytes(1))
      }
    }
  }

  package func secrets(environmentID: EnvironmentID, createdBefore: UnixTime?, limit: Int) async throws(ServerError)
    -> [SecretRecord]
  {
    try await read { db throws(ServerError) in
      try db.query(
        Self.secretSelect
          + " WHERE environment_id = ? AND name IS NOT NULL AND created_at < ? ORDER BY created_at DESC LIMIT ?",
        [.id(environmentID), .integer(createdBefore?.microseconds ?? .max), .integer(Int64(limit))], row: Self.secret)
    }
  }

  package func deleteSecret(id: SecretID, audit: AuditEntry?) async throws(ServerError) -> Bool {
    try await write { db throws(ServerError) in
      let deleted = try db.execute("DELETE FROM secrets WHERE id = ?", [.id(id)]) > 0
      if deleted { try Self.insertAudit(audit, db) }
      return deleted
    }
  }

  // MARK: Sessions

  package func insertSession(_ session: SessionRecord, audit: AuditEntry?) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.execute(
        "INSERT INTO sessions (id_hash, user_id, created_at, expires_at, second_factor_at) VALUES (?, ?, ?, ?, ?)",
        [
          .text(session.idHash), .id(session.userID), .time(session.createdAt), .time(session.expiresAt),
          .optional(session.secondFactorAt),
        ])
      try Self.insertAudit(audit, db)
    }
  }

  package func session(idHash: String) async throws(ServerError) -> SessionRecord? {
    try await read { db throws(ServerError) in
      try db.first(
        "SELECT id_hash, user_id, created_at, expires_at, second_factor_at FROM sessions WHERE id_hash = ?",
        [.text(idHash)]
      ) { row throws(ServerError) in
        SessionRecord(
          idHash: row.text(0), userID: row.id(1), createdAt: row.time(2), expiresAt: row.time(3),
          secondFactorAt: row.optionalTime(4))
      }
    }
  }

  package func deleteSession(idHash: String) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.execute("DELETE FROM sessions WHERE id_hash = ?", [.text(idHash)])
    }
  }

  package func deleteSessions(userID: UserID) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.execute("DELETE FROM sessions WHERE user_id = ?", [.id(userID)])
    }
  }

  // MARK: Attempt limits

  package func workspaceUsage(workspaceID: WorkspaceID, at time: UnixTime) async throws(ServerError) -> WorkspaceUsage {
    try await read { db throws(ServerError) in
      // LENGTH of a BLOB (SQLite) or BYTEA (PostgreSQL) is its size in bytes.
      let usage = try db.first(
        """
        SELECT
          (SELECT COUNT(*) FROM secrets WHERE workspace_id = ? AND (expires_at IS NULL OR expires_at > ?)),
          (SELECT COALESCE(SUM(LENGTH(values_sealed)), 0) FROM secrets
            WHERE workspace_id = ? AND (expires_at IS NULL OR expires_at > ?)),
          (SELECT COUNT(*) FROM tokens WHERE workspace_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)),
          (SELECT COUNT(*) FROM service_users WHERE workspace_id = ?)
        """,
        [.id(workspaceID), .time(time), .id(workspaceID), .time(time), .id(workspaceID), .time(time), .id(workspaceID)]
      ) { row throws(ServerError) in
        WorkspaceUsage(
          secrets: Int(row.int(0)), secretBytes: Int(row.int(1)), tokens: Int(row.int(2)), serviceUsers: Int(row.int(3)))
      }
      return usage ?? WorkspaceUsage(secrets: 0, secretBytes: 0, tokens: 0, serviceUsers: 0)
    }
  }

  package func recordFailure(key: String, at time: UnixTime) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.execute("INSERT INTO attempt_failures (key_hash, failed_at) VALUES (?, ?)", [.text(key), .time(time)])
    }
  }

  package func failures(key: String, since time: UnixTime, limit: Int) async throws(ServerError) -> [UnixTime] {
    try await read { db throws(ServerError) in
      try db.query(
        "SELECT failed_at FROM attempt_failures WHERE key_hash = ? AND failed_at > ? ORDER BY failed_at DESC LIMIT ?",
        [.text(key), .time(time), .integer(Int64(limit))]
      ) { row throws(ServerError) in row.time(0) }.reversed()
    }
  }

  package func clearFailures(key: String) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.execute("DELETE FROM attempt_failures WHERE key_hash = ?", [.text(key)])
    }
  }

  package func forgetFailure(key: String, at time: UnixTime) async throws(ServerError) {
    try await write { db throws(ServerError) in
      try db.execute("DELETE FROM attempt_failures WHERE key_hash = ? AND failed_at = ?", [.text(key), .time(time)])
    }
  }
}
