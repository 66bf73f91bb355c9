import Foundation

/// Workload identity federation in both databases (migration 12): trust policies, the `jti`s
/// already exchanged, and where each minted token came from.
extension SQLStore {
  private static var policySelect: String {
    """
    SELECT id, workspace_id, name, issuer, audience, key_source, key_value, conditions, scopes, environment_name,
      lifetime_seconds, service_user_id, created_by_name, created_at FROM federation_policies
    """
  }

  private static func policy<R: SQLRow>(_ row: R) throws(ServerError) -> FederationPolicy {
    let keys: FederationKeySource
    switch row.text(5) {
    case "document": keys = .document(row.text(6))
    case "url": keys = .url(row.text(6))
    case "discovery": keys = .discovery
    default: throw corrupt("federation key source")
    }
    let scopes: ScopeSet
    do { scopes = try ScopeSet(parsing: row.text(8)) } catch { throw corrupt("federation policy scope list") }
    guard let conditions = FederationConditionsText.decode(row.text(7)) else {
      throw corrupt("federation policy condition list")
    }
    let terms = FederationPolicy.Terms(
      name: row.text(2), issuer: row.text(3), audience: row.text(4), keys: keys, conditions: conditions, scopes: scopes,
      environmentName: row.optionalText(9), lifetimeSeconds: row.int(10))
    return FederationPolicy(
      id: row.id(0), workspaceID: row.id(1), terms: terms, serviceUserID: row.id(11), createdByName: row.text(12),
      createdAt: row.time(13))
  }

  private static func keyColumns(_ keys: FederationKeySource) -> (source: String, value: String) {
    switch keys {
    case .document(let text): ("document", text)
    case .url(let url): ("url", url)
    case .discovery: ("discovery", "")
    }
  }

  package func insertFederationPolicy(
    _ policy: FederationPolicy, serviceUser: ServiceUser, contributorIn environmentID: EnvironmentID?, audit: AuditEntry?
  ) async throws(ServerError) {
    let terms = policy.terms
    let keys = Self.keyColumns(terms.keys)
    try await write { db throws(ServerError) in
      try db.execute(
        """
        INSERT INTO service_users (id, workspace_id, name, role, created_by_user_id, created_at, scoped)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        [
          .id(serviceUser.id), .id(serviceUser.workspaceID), .text(serviceUser.name), .text(serviceUser.role.rawValue),
          .id(serviceUser.createdByUserID), .time(serviceUser.createdAt), .integer(serviceUser.scoped ? 1 : 0),
        ])
      if let environmentID {
        try db.execute(
          """
          INSERT INTO environment_roles (environment_id, principal_kind, principal_id, role, updated_at)
          VALUES (?, 'service_user', ?, ?, ?)
          """, [.id(environmentID), .id(serviceUser.id), .text(EnvironmentAccess.contributor.rawValue), .time(serviceUser.createdAt)])
      }
      try db.execute(
        """
        INSERT INTO federation_policies (id, workspace_id, name, issuer, audience, key_source, key_value, conditions,
          scopes, environment_name, lifetime_seconds, service_user_id, created_by_name, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
          .id(policy.id), .id(policy.workspaceID), .text(terms.name), .text(terms.issuer), .text(terms.audience),
          .text(keys.source), .text(keys.value), .text(FederationConditionsText.encode(terms.conditions)),
          .text(terms.scopes.description), .optional(terms.environmentName), .integer(terms.lifetimeSeconds),
          .id(policy.serviceUserID), .text(policy.createdByName), .time(policy.createdAt),
        ])
      try Self.insertAudit(audit, db)
    }
  }

  package func federationPolicies(workspaceID: WorkspaceID) async throws(ServerError) -> [FederationPolicy] {
    try await read { db throws(ServerError) in
      try db.query(Self.policySelect + " WHERE workspace_id = ? ORDER BY name", [.id(workspaceID)], row: Self.policy)
    }
  }

  package func federationPolicies(issuer: String) async throws(ServerError) -> [FederationPolicy] {
    try await read { db throws(ServerError) in
      try db.query(Self.policySelect + " WHERE issuer = ? ORDER BY name, id", [.text(issuer)], row: Self.policy)
    }
  }

  package func deleteFederationPolicy(id: FederationPolicyID, at time: UnixTime, audit: AuditEntry?)
    async throws(ServerError) -> Bool
  {
    try await write { db throws(ServerError) in
      let found = try db.first(Self.policySelect + " WHERE id = ?", [.id(id)], row: Self.policy)
      guard let policy = found else { return false }
      try db.execute("DELETE FROM federation_policies WHERE id = ?", [.id(id)])
      try db.execute(
        "UPDATE tokens SET revoked_at = ? WHERE owner_kind = 'service_user' AND owner_id = ? AND revoked_at IS NULL",
        [.time(time), .id(policy.serviceUserID)])
      try db.execute("DELETE FROM service_users WHERE id = ?", [.id(policy.serviceUserID)])
      try Self.insertAudit(audit, db)
      try db.announce(.credentialsChanged)
      return true
    }
  }

  package func claimTokenID(issuer: String, jti: String, expiresAt: UnixTime, now: UnixTime) async throws(ServerError)
    -> Bool
  {
    try await write { db throws(ServerError) in
      try db.execute("DELETE FROM federation_jtis WHERE expires_at < ?", [.time(now)])
      return try db.execute(
        "INSERT INTO federation_jtis (issuer, jti, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [.text(issuer), .text(jti), .time(expiresAt)]) > 0
    }
  }

  package func insertFederatedToken(_ token: TokenRecord, origin: FederatedOrigin, audit: AuditEntry?)
    async throws(ServerError)
  {
    try await write { db throws(ServerError) in
      try Self.insert(token, db)
      try db.execute(
        "INSERT INTO federated_tokens (token_id, policy_id, policy_name, issuer, subject) VALUES (?, ?, ?, ?, ?)",
        [.id(token.id), .id(origin.policyID), .text(origin.policyName), .text(origin.issuer), .text(origin.subject)])
      try Self.insertAudit(audit, db)
    }
  }

  package func federatedOrigins(tokenIDs: [TokenID]) async throws(ServerError) -> [TokenID: FederatedOrigin] {
    guard !tokenIDs.isEmpty else { return [:] }
    let list = Array(repeating: "?", count: tokenIDs.count).joined(separator: ", ")
    let rows = try await read { db throws(ServerError) in
      try db.query(
        "SELECT token_id, policy_id, policy_name, issuer, subject FROM federated_tokens WHERE token_id IN (\(list))",
        tokenIDs.map { .id($0) }
      ) { row throws(ServerError) -> (TokenID, FederatedOrigin) in
        (row.id(0), FederatedOrigin(policyID: row.id(1), policyName: row.text(2), issuer: row.text(3), subject: row.text(4)))
      }
    }
    return Dictionary(rows, uniquingKeysWith: { first, _ in first })
  }
}

/// A policy's claim conditions as stored: a JSON array of `[key, pattern]` pairs, in order.
enum FederationConditionsText {
  /// The JSON text of `conditions`.
  static func encode(_ conditions: [ClaimCondition]) -> String {
    let pairs = conditions.map { [$0.key, $0.pattern] }
    guard let data = try? JSONSerialization.data(withJSONObject: pairs, options: [.withoutEscapingSlashes]) else {
      return "[]"
    }
    return String(decoding: data, as: UTF8.self)
  }

  /// The conditions of `text`, or `nil` when it is not what `encode` writes.
  static func decode(_ text: String) -> [ClaimCondition]? {
    guard let pairs = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String]] else { return nil }
    var conditions: [ClaimCondition] = []
    for pair in pairs {
      guard pair.count == 2 else { return nil }
      conditions.append(ClaimCondition(key: pair[0], pattern: pair[1]))
    }
    return conditions
  }
}
