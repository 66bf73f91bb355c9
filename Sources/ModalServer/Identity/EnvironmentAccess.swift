/// A member's or service user's role in one environment (Modal's environment roles). Each role
/// includes everything of the roles below it.
///
/// | action in the environment | no-access | viewer | contributor |
/// |---|---|---|---|
/// | list secrets, look one up, read its metadata | no | yes | yes |
/// | create, update, delete secrets | no | no | yes |
///
/// Where no role is assigned, the default follows the workspace role (`Role`): members are
/// viewers, managers and owners contributors. Service users created through the API
/// (`ServiceUserCreate`, `scoped`) have no access by default, as in Modal; those created with
/// `modal-server service-users create --role` keep their workspace role's default. Owners and
/// managers are contributors everywhere: they can change the roles, so narrowing theirs would
/// protect nothing.
package enum EnvironmentAccess: String, Sendable, Hashable, CaseIterable, Comparable {
  /// Sees nothing of the environment.
  case noAccess = "no-access"
  /// Reads the environment's objects (secrets' names and metadata; values only through a lookup).
  case viewer
  /// Also creates, changes and deletes them.
  case contributor

  private var rank: Int {
    switch self {
    case .noAccess: 0
    case .viewer: 1
    case .contributor: 2
    }
  }

  /// Orders no-access < viewer < contributor.
  package static func < (lhs: EnvironmentAccess, rhs: EnvironmentAccess) -> Bool { lhs.rank < rhs.rank }

  /// The role of a principal with workspace role `role` where none is assigned; `scoped` service
  /// users have none.
  package static func `default`(for role: Role, scoped: Bool) -> EnvironmentAccess {
    if scoped { return .noAccess }
    return role >= .manager ? .contributor : .viewer
  }

  /// Parses `viewer`, `contributor` or `no-access`; throws `invalidArgument` naming the choices.
  package init(parsing text: String) throws(ServerError) {
    guard let role = EnvironmentAccess(rawValue: text.lowercased()) else {
      throw ServerError(
        .invalidArgument,
        "Unknown environment role '\(text)'. Choose one of: \(Self.allCases.map(\.rawValue).joined(separator: ", ")).")
    }
    self = role
  }
}
