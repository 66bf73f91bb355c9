/// Who is making a call: the verified token, its workspace, and the owner with their role.
package struct Caller: WorkspaceCaller {
  /// The person or service user behind the token.
  package enum Identity: Sendable {
    /// A user.
    case user(User)
    /// A service user and the user who created it.
    case serviceUser(ServiceUser, createdBy: User?)
  }

  /// The verified token.
  package let token: TokenRecord
  /// The workspace the token acts in.
  package let workspace: Workspace
  /// The owner.
  package let identity: Identity
  /// The owner's role in the workspace.
  package let role: Role
  /// The client's gRPC peer (`ipv4:10.0.0.7:51234`) of the current call, for the audit log; set
  /// per call, after the cached part of the caller is found.
  package var peer = ""
  /// The OAuth app and grant when the call authenticated with OAuth credentials (then `token` is
  /// the grant seen as a token of the consenting user).
  package var oauth: OAuthCallerContext?

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
