/// Row mapping and the insert statements shared by several operations.
extension SQLStore {
  static var userSelect: String { "SELECT id, email, password_hash, created_at FROM users" }
  static var workspaceSelect: String { "SELECT id, name, kind, created_at FROM workspaces" }
  static var membershipSelect: String { "SELECT workspace_id, user_id, role, created_at FROM memberships" }
  static var environmentSelect: String {
    "SELECT id, workspace_id, name, is_default, webhook_suffix, created_at FROM environments"
  }
  static var tokenSelect: String {
    """
    SELECT id, workspace_id, owner_kind, owner_id, created_by_user_id, name, secret_hash, hash_key_id, secret_hint,
      scopes, created_at, expires_at, last_used_at, revoked_at, disabled_at FROM tokens
    """
  }
  static var flowSelect: String {
    """
    SELECT id, code, wait_secret_hash, hash_key_id, state, created_at, expires_at, token_lifetime_seconds,
      localhost_port, utm_source, next_url, requesting_node, requesting_peer, approved_by_user_id,
      approved_workspace_id, approved_at, token_id, consumed_at FROM token_flows
    """
  }
  static var secretSelect: String {
    """
    SELECT id, workspace_id, environment_id, name, key_names, created_by, created_at, updated_at, last_used_at,
      expires_at FROM secrets
    """
  }

  static func corrupt(_ what: String) -> ServerError {
    ServerError(.internal, "The database holds an invalid \(what); was it edited by hand?")
  }

  static func role(_ text: String) throws(ServerError) -> Role {
    guard let role = Role(rawValue: text) else { throw corrupt("role '\(text)'") }
    return role
  }

  static func user<R: SQLRow>(_ row: R) throws(ServerError) -> User {
    User(id: row.id(0), email: row.text(1), passwordHash: row.optionalText(2), createdAt: row.time(3))
  }

  static func workspace<R: SQLRow>(_ row: R) throws(ServerError) -> Workspace {
    guard let kind = WorkspaceKind(rawValue: row.text(2)) else { throw corrupt("workspace kind") }
    return Workspace(id: row.id(0), name: row.text(1), kind: kind, createdAt: row.time(3))
  }

  static func membership<R: SQLRow>(_ row: R) throws(ServerError) -> Membership {
    Membership(workspaceID: row.id(0), userID: row.id(1), role: try role(row.text(2)), createdAt: row.time(3))
  }

  static func serviceUser<R: SQLRow>(_ row: R) throws(ServerError) -> ServiceUser {
    ServiceUser(
      id: row.id(0), workspaceID: row.id(1), name: row.text(2), role: try role(row.text(3)), createdByUserID: row.id(4),
      createdAt: row.time(5), scoped: row.bool(6))
  }

  static func environment<R: SQLRow>(_ row: R) throws(ServerError) -> Environment {
    Environment(
      id: row.id(0), workspaceID: row.id(1), name: row.text(2), isDefault: row.bool(3), webhookSuffix: row.text(4),
      createdAt: row.time(5))
  }

  static func token<R: SQLRow>(_ row: R) throws(ServerError) -> TokenRecord {
    let owner: TokenOwner
    switch row.text(2) {
    case "user": owner = .user(id: row.id(3))
    case "service_user": owner = .serviceUser(id: row.id(3))
    default: throw corrupt("token owner kind")
    }
    let scopes: ScopeSet
    do { scopes = try ScopeSet(parsing: row.text(9)) } catch { throw corrupt("token scope list") }
    return TokenRecord(
      id: row.id(0), workspaceID: row.id(1), owner: owner, createdByUserID: row.optionalID(4), name: row.text(5),
      secretHash: row.text(6), hashKeyID: row.text(7), secretHint: row.text(8), scopes: scopes, createdAt: row.time(10),
      expiresAt: row.optionalTime(11), lastUsedAt: row.optionalTime(12), revokedAt: row.optionalTime(13),
      disabledAt: row.optionalTime(14))
  }

  static func flow<R: SQLRow>(_ row: R) throws(ServerError) -> TokenFlowRecord {
    guard let state = TokenFlowState(rawValue: row.text(4)) else { throw corrupt("token flow state") }
    var flow = TokenFlowRecord(
      id: row.id(0), code: row.text(1), waitSecretHash: row.text(2), hashKeyID: row.text(3), createdAt: row.time(5),
      expiresAt: row.time(6), tokenLifetimeSeconds: row.optionalInt(7), localhostPort: Int32(clamping: row.int(8)),
      utmSource: row.text(9), nextURL: row.text(10), requestingNode: row.text(11), requestingPeer: row.text(12))
    flow.state = state
    flow.approvedByUserID = row.optionalID(13)
    flow.approvedWorkspaceID = row.optionalID(14)
    flow.approvedAt = row.optionalTime(15)
    flow.tokenID = row.optionalID(16)
    flow.consumedAt = row.optionalTime(17)
    return flow
  }

  static func secret<R: SQLRow>(_ row: R) throws(ServerError) -> SecretRecord {
    SecretRecord(
      id: row.id(0), workspaceID: row.id(1), environmentID: row.id(2), name: row.optionalText(3),
      keys: splitKeys(row.text(4)), createdBy: row.text(5), createdAt: row.time(6), updatedAt: row.time(7),
      lastUsedAt: row.optionalTime(8), expiresAt: row.optionalTime(9))
  }

  /// Key names are stored newline-separated (`SecretValidation` forbids control characters in keys).
  static func joinKeys(_ keys: [String]) -> String { keys.joined(separator: "\n") }

  static func splitKeys(_ text: String) -> [String] {
    text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  static func insert(_ user: User, _ db: Connection) throws(ServerError) {
    try db.execute(
      "INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)",
      [.id(user.id), .text(user.email.lowercased()), .optional(user.passwordHash), .time(user.createdAt)])
  }

  static func insert(_ workspace: Workspace, _ db: Connection) throws(ServerError) {
    try db.execute(
      "INSERT INTO workspaces (id, name, kind, created_at) VALUES (?, ?, ?, ?)",
      [.id(workspace.id), .text(workspace.name), .text(workspace.kind.rawValue), .time(workspace.createdAt)])
  }

  static func upsert(_ membership: Membership, _ db: Connection) throws(ServerError) {
    try db.execute(
      """
      INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role
      """,
      [.id(membership.workspaceID), .id(membership.userID), .text(membership.role.rawValue), .time(membership.createdAt)])
  }

  static func insert(_ environment: Environment, _ db: Connection) throws(ServerError) {
    try db.execute(
      "INSERT INTO environments (id, workspace_id, name, is_default, webhook_suffix, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      [
        .id(environment.id), .id(environment.workspaceID), .text(environment.name), .bool(environment.isDefault),
        .text(environment.webhookSuffix), .time(environment.createdAt),
      ])
  }

  static func insert(_ token: TokenRecord, _ db: Connection) throws(ServerError) {
    let ownerKind: String
    switch token.owner {
    case .user: ownerKind = "user"
    case .serviceUser: ownerKind = "service_user"
    }
    try db.execute(
      """
      INSERT INTO tokens (id, workspace_id, owner_kind, owner_id, created_by_user_id, name, secret_hash, hash_key_id,
        secret_hint, scopes, created_at, expires_at, last_used_at, revoked_at, disabled_at, secret_sha256)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """,
      [
        .id(token.id), .id(token.workspaceID), .text(ownerKind), .text(token.owner.rawID), .optional(token.createdByUserID),
        .text(token.name), .text(token.secretHash), .text(token.hashKeyID), .text(token.secretHint),
        .text(token.scopes.description), .time(token.createdAt), .optional(token.expiresAt), .optional(token.lastUsedAt),
        .optional(token.revokedAt), .optional(token.disabledAt), .optional(token.secretFingerprint),
      ])
  }
}
