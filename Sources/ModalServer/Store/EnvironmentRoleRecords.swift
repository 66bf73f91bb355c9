/// A role assigned to a member or service user in one environment (migration 9). Where none is
/// assigned, `EnvironmentAccess.default(for:scoped:)` applies.
package struct EnvironmentRoleRecord: Sendable, Hashable {
  /// The environment.
  package var environmentID: EnvironmentID
  /// The member (`.user`) or service user the role is assigned to.
  package var principal: TokenOwner
  /// The role.
  package var role: EnvironmentAccess
  /// When it was last set.
  package var updatedAt: UnixTime

  /// Creates a record.
  package init(environmentID: EnvironmentID, principal: TokenOwner, role: EnvironmentAccess, updatedAt: UnixTime) {
    self.environmentID = environmentID
    self.principal = principal
    self.role = role
    self.updatedAt = updatedAt
  }
}
