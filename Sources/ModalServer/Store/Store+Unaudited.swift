/// The mutators without an audit entry, for changes that are not security events of a workspace
/// (bootstrap, tests, data set up by `modal-server` commands that record their own entry) and for
/// code written before the audit log. Services that act for a caller pass `audit:`.
extension Store {
  /// `upsertMembership(_:audit:)` without an entry.
  package func upsertMembership(_ membership: Membership) async throws(ServerError) {
    try await upsertMembership(membership, audit: nil)
  }
  /// `setRole(workspaceID:userID:role:audit:)` without an entry.
  package func setRole(workspaceID: WorkspaceID, userID: UserID, role: Role) async throws(ServerError) -> MembershipChange {
    try await setRole(workspaceID: workspaceID, userID: userID, role: role, audit: nil)
  }
  /// `deleteMembership(workspaceID:userID:at:audit:)` without an entry.
  package func deleteMembership(workspaceID: WorkspaceID, userID: UserID, at time: UnixTime) async throws(ServerError)
    -> MembershipChange
  {
    try await deleteMembership(workspaceID: workspaceID, userID: userID, at: time, audit: nil)
  }
  /// `insertServiceUser(_:token:audit:)` without a token or an entry.
  package func insertServiceUser(_ serviceUser: ServiceUser) async throws(ServerError) {
    try await insertServiceUser(serviceUser, token: nil, audit: [])
  }
  /// `deleteServiceUser(id:at:audit:)` without an entry.
  package func deleteServiceUser(id: ServiceUserID, at time: UnixTime) async throws(ServerError) -> Bool {
    try await deleteServiceUser(id: id, at: time, audit: nil)
  }
  /// `insertToken(_:audit:)` without an entry.
  package func insertToken(_ token: TokenRecord) async throws(ServerError) { try await insertToken(token, audit: nil) }
  /// `revokeToken(id:at:audit:)` without an entry.
  package func revokeToken(id: TokenID, at time: UnixTime) async throws(ServerError) -> Bool {
    try await revokeToken(id: id, at: time, audit: nil)
  }
  /// `approveFlow(id:userID:workspaceID:at:audit:)` without an entry.
  package func approveFlow(id: FlowID, userID: UserID, workspaceID: WorkspaceID, at time: UnixTime) async throws(ServerError)
    -> Bool
  {
    try await approveFlow(id: id, userID: userID, workspaceID: workspaceID, at: time, audit: nil)
  }
  /// `consumeFlow(id:token:at:audit:)` without an entry.
  package func consumeFlow(id: FlowID, token: TokenRecord, at time: UnixTime) async throws(ServerError) -> FlowConsumption {
    try await consumeFlow(id: id, token: token, at: time, audit: nil)
  }
  /// `insertSecret(_:values:audit:)` without an entry.
  package func insertSecret(_ secret: SecretRecord, values: SealedValues) async throws(ServerError) -> SecretRecord {
    try await insertSecret(secret, values: values, audit: nil)
  }
  /// `replaceSecretValues(id:keys:values:replacing:at:audit:)` without an entry.
  @discardableResult
  package func replaceSecretValues(
    id: SecretID, keys: [String], values: SealedValues, replacing expected: SealedValues?, at time: UnixTime
  ) async throws(ServerError) -> Bool {
    try await replaceSecretValues(id: id, keys: keys, values: values, replacing: expected, at: time, audit: nil)
  }
  /// `deleteSecret(id:audit:)` without an entry.
  package func deleteSecret(id: SecretID) async throws(ServerError) -> Bool { try await deleteSecret(id: id, audit: nil) }
  /// `insertSession(_:audit:)` without an entry.
  package func insertSession(_ session: SessionRecord) async throws(ServerError) {
    try await insertSession(session, audit: nil)
  }
  /// `setTOTPSecret(_:recoveryCodes:audit:)` without an entry.
  package func setTOTPSecret(_ record: TOTPRecord, recoveryCodes: [RecoveryCodeRecord]) async throws(ServerError) {
    try await setTOTPSecret(record, recoveryCodes: recoveryCodes, audit: nil)
  }
  /// `deleteTOTPSecret(userID:audit:)` without an entry.
  package func deleteTOTPSecret(userID: UserID) async throws(ServerError) -> Bool {
    try await deleteTOTPSecret(userID: userID, audit: nil)
  }
}
