/// Who is making a call: the verified token, its workspace, and the owner with their role.
package struct Caller: WorkspaceCaller {
  /// The person or service user behind the token.
  package enum Identity: Sendable {
    /// A user.
    case user(User)
    /// A service user and the user who created it.
    case serviceUser(ServiceUser, createdBy: User?)
  }

  /// What authentication found, shared by every copy of the caller: the cache hands out a copy
  /// on every call, which then costs one reference count instead of one for each string of the
  /// token, workspace and owner records.
  private final class Found: Sendable {
    let token: TokenRecord
    let workspace: Workspace
    let identity: Identity
    let role: Role

    init(token: TokenRecord, workspace: Workspace, identity: Identity, role: Role) {
      (self.token, self.workspace, self.identity, self.role) = (token, workspace, identity, role)
    }
  }

  private let found: Found
  // The records are yielded in place rather than returned: `caller.token.id` then copies one
  // string, not the whole record (a reference count for each of its strings), which the token
  // check of every call would pay several times over.
  /// The verified token.
  package var token: TokenRecord { _read { yield found.token } }
  /// The workspace the token acts in.
  package var workspace: Workspace { _read { yield found.workspace } }
  /// The owner.
  package var identity: Identity { _read { yield found.identity } }
  /// The owner's role in the workspace.
  package var role: Role { found.role }
  /// The client's gRPC peer (`ipv4:10.0.0.7:51234`) of the current call, for the audit log; set
  /// per call, after the cached part of the caller is found.
  package var peer = ""
  /// The OAuth app and grant when the call authenticated with OAuth credentials (then `token` is
  /// the grant seen as a token of the consenting user).
  package var oauth: OAuthCallerContext?

  /// A caller with `token`, acting in `workspace` as `identity` with `role`.
  package init(token: TokenRecord, workspace: Workspace, identity: Identity, role: Role) {
    found = Found(token: token, workspace: workspace, identity: identity, role: role)
  }

  /// Who the audit log says acted: the token's user or service user, the token and the address.
  package var auditActor: AuditActor {
    let address = FlowStartLimiter.address(of: peer)
    switch identity {
    case .user(let user):
      return AuditActor(
        kind: .user, id: user.id.rawValue, name: user.email, tokenID: token.id, address: address,
        source: oauth == nil ? "sdk" : "oauth")
    case .serviceUser(let serviceUser, _):
      return AuditActor(
        kind: .serviceUser, id: serviceUser.id.rawValue, name: serviceUser.name, tokenID: token.id, address: address,
        source: "sdk")
    }
  }

  /// How the caller is named in `created_by` fields: the user's email or the service user's name.
  package var displayName: String {
    switch identity {
    case .user(let user): user.email
    case .serviceUser(let serviceUser, _): serviceUser.name
    }
  }

  /// The token's owner.
  package var owner: TokenOwner { token.owner }
  /// The verified token's id.
  package var tokenID: TokenID? { token.id }

  /// Checks that the token has `scope` and the owner at least `role`; `method` names the operation
  /// in the error.
  package func require(_ scope: Scope, role needed: Role, for method: String) throws(ServerError) {
    guard token.scopes.grants(scope) else {
      throw ServerError(
        .permissionDenied,
        "Token \(token.id) does not have the scope '\(scope.rawValue)' that \(method) needs (it has: \(token.scopes)). "
          + "Use a token with that scope.")
    }
    try requireRole(needed, for: method)
  }
}
