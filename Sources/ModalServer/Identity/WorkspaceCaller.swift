import ProtoWire

/// Someone acting in one workspace, through an API token (`Caller`) or a dashboard session
/// (`SessionCaller`). Services that both the gRPC API and the dashboard reach take this, so the
/// same permission checks apply to both.
package protocol WorkspaceCaller: Sendable {
  /// The workspace the caller acts in.
  var workspace: Workspace { get }
  /// The caller's role there.
  var role: Role { get }
  /// Whose tokens are the caller's own: the token's owner, or the signed-in user.
  var owner: TokenOwner { get }
  /// The token the caller authenticated with; `nil` for a dashboard session.
  var tokenID: TokenID? { get }
  /// Who the audit log names as the actor of what the caller does.
  var auditActor: AuditActor { get }

  /// How the caller is named in `created_by` fields: the user's email or the service user's name.
  var displayName: String { get }
  /// Whether the caller is a service user with no access where no environment role is assigned
  /// (`EnvironmentAccess.default(for:scoped:)`).
  var isScoped: Bool { get }
  /// Checks that the caller may use `scope` with at least `role`; `method` names the operation in the error.
  func require(_ scope: Scope, role needed: Role, for method: String) throws(ServerError)
}

extension WorkspaceCaller {
  /// Checks `scope` and `role` for an API method, named in the error as the method table knows it.
  package func require<Request, Response>(
    _ scope: Scope, role needed: Role = .member, for method: MethodDescriptor<Request, Response>
  ) throws(ServerError) {
    try require(scope, role: needed, for: method.methodName)
  }

  /// Checks that the caller's role is at least `needed` (the part of `require` both kinds of caller share).
  package func requireRole(_ needed: Role, for method: String) throws(ServerError) {
    guard role >= needed else {
      throw ServerError(
        .permissionDenied,
        "\(method) needs the role \(needed.rawValue) or higher in workspace '\(workspace.name)'; "
          + "your role is \(role.rawValue). Ask an owner of the workspace.")
    }
  }
}

/// A signed-in dashboard user acting in one workspace: the session's counterpart of the token-based
/// `Caller`. A session acts with every scope (the user signed in with their password); roles are
/// checked exactly as for tokens.
package struct SessionCaller: WorkspaceCaller {
  /// The signed-in user.
  package let user: User
  /// The workspace.
  package let workspace: Workspace
  /// The user's role there.
  package let role: Role
  /// The browser's address (the dashboard request's peer), for the audit log.
  package var peer = ""

  /// Creates a caller; `AccountService.sessionCaller` looks the role up.
  package init(user: User, workspace: Workspace, role: Role) {
    self.user = user
    self.workspace = workspace
    self.role = role
  }

  /// The signed-in user.
  package var owner: TokenOwner { .user(id: user.id) }
  /// No token: a session.
  package var tokenID: TokenID? { nil }
  /// The signed-in user, from the browser's address.
  package var auditActor: AuditActor { .webUser(user, peer: peer) }

  /// The signed-in user's email.
  package var displayName: String { user.email }

  /// Checks the role only: a session has every scope.
  package func require(_ scope: Scope, role needed: Role, for method: String) throws(ServerError) {
    try requireRole(needed, for: method)
  }
}
