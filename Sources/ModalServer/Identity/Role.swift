/// A member's role in a workspace. Each role includes everything of the roles below it.
///
/// | action | member | manager | owner |
/// |---|---|---|---|
/// | hello, token info, workspace lookup, AuthTokenGet | yes | yes | yes |
/// | list/look up environments; environment roles (EnvironmentGetRoles) | yes | yes | yes |
/// | read secrets' metadata in an environment | with environment role viewer (the default) | yes | yes |
/// | create/update/delete secrets in an environment | with environment role contributor | yes | yes |
/// | list, disable, enable and revoke **own** tokens | yes | yes | yes |
/// | create/rename/delete environments | no | yes | yes |
/// | service users (create, list, info, delete) and environment roles (EnvironmentRoleSet) | no | yes | yes |
/// | list, disable, enable and revoke **everyone's** tokens (users and service users) | no | yes | yes |
/// | manage members (dashboard, `modal-server member`) | no | no | yes |
///
/// Secrets are guarded per environment (`EnvironmentAccess`): where no environment role is
/// assigned, members are viewers and managers and owners contributors; an assigned role
/// (`modal environment roles update`) replaces a member's or service user's default there, and
/// managers and owners are contributors everywhere. Service users created through the API have no
/// access until a role is assigned; a service user's workspace role (`modal-server service-users
/// create --role`) counts like a member's.
package enum Role: String, Sendable, Hashable, CaseIterable, Comparable {
  /// Reads, uses secrets, manages own tokens.
  case member
  /// Also manages secrets, environments and every token.
  case manager
  /// Also manages members and service users.
  case owner

  private var rank: Int {
    switch self {
    case .member: 0
    case .manager: 1
    case .owner: 2
    }
  }

  /// Orders member < manager < owner.
  package static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// Whether a workspace belongs to one person or is shared by a team.
package enum WorkspaceKind: String, Sendable, Hashable, CaseIterable {
  /// The workspace a user gets for themselves.
  case personal
  /// A team workspace with several members.
  case shared
}
