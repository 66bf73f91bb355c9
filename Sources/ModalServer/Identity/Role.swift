/// A member's role in a workspace. Each role includes everything of the roles below it.
///
/// | action | member | manager | owner |
/// |---|---|---|---|
/// | hello, token info, workspace lookup, AuthTokenGet | yes | yes | yes |
/// | list/look up environments and secrets (metadata, never values) | yes | yes | yes |
/// | list, disable, enable and revoke **own** tokens | yes | yes | yes |
/// | create/update/delete secrets | no | yes | yes |
/// | create/rename/delete environments | no | yes | yes |
/// | list, disable, enable and revoke **everyone's** tokens (users and service users) | no | yes | yes |
/// | manage members and service users (dashboard, later) | no | no | yes |
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
