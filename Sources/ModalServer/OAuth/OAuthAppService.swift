import Foundation

/// OAuth apps and grants: register (the client secret returned once), list, delete; give a grant
/// (the refresh token returned once), list and revoke grants. Who may do what is the caller's
/// business (the dashboard checks the role, `modal-server oauth-app` is the operator); every change
/// is written with its audit entry, and deleting an app or revoking a grant announces
/// `credentialsChanged`, so calls with it stop at once on every replica.
package struct OAuthAppService: Sendable {
  let dependencies: Dependencies
  private var hasher: SecretHasher { SecretHasher(keys: dependencies.keys) }
  private var store: any Store { dependencies.store }

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// How a new app will authenticate.
  package enum ClientCredential: Sendable {
    /// A client secret made now and shown once.
    case secret
    /// `private_key_jwt` assertions verified with this public key (a JWK's JSON text, already checked).
    case publicKey(jwk: String)
  }

  /// What an owner asks for when registering an app.
  package struct Registration: Sendable {
    /// The name users see on the consent page.
    package var name: String
    /// Where the authorization code flow may return, compared exactly.
    package var redirectURIs: [String]
    /// The most a grant may allow.
    package var scopes: ScopeSet
    /// How it authenticates.
    package var credential: ClientCredential

    /// Bundles a registration.
    package init(name: String, redirectURIs: [String], scopes: ScopeSet, credential: ClientCredential) {
      self.name = name
      self.redirectURIs = redirectURIs
      self.scopes = scopes
      self.credential = credential
    }
  }

  /// Registers an app in `workspace` and returns it with its client secret (`nil` for a public-key app).
  package func register(_ registration: Registration, in workspace: Workspace, by actor: AuditActor)
    async throws(ServerError) -> (app: OAuthAppRecord, secret: String?)
  {
    let name = try TokenService.checkedName(registration.name)
    guard !name.isEmpty else { throw ServerError(.invalidArgument, "An OAuth app needs a name (users see it when they consent).") }
    let uris = try registration.redirectURIs.map { uri throws(ServerError) in try Self.checkedRedirectURI(uri) }
    var secret: String?
    let authentication: OAuthAppRecord.ClientAuthentication
    switch registration.credential {
    case .secret:
      let made = OAuthFormat.newClientSecret()
      let (hash, keyID) = hasher.hash(made)
      authentication = .secret(hash: hash, keyID: keyID, hint: TokenFormat.hint(of: made))
      secret = made
    case .publicKey(let jwk):
      authentication = .publicKey(jwk: jwk)
    }
    let app = OAuthAppRecord(
      id: .random(), workspaceID: workspace.id, name: name, redirectURIs: uris, authentication: authentication,
      scopes: registration.scopes, createdByID: actor.id, createdByName: actor.name, createdAt: dependencies.clock.now())
    let method = secret == nil ? "private_key_jwt" : "client_secret"
    let entry = AuditEntry(
      .oauthAppCreated, by: actor, target: .oauthApp(app.id, name: name), workspaceID: workspace.id, at: app.createdAt,
      detail: ["scopes": app.scopes.description, "client_authentication": method])
    try await store.insertOAuthApp(app, audit: entry)
    return (app, secret)
  }

  /// The apps of `workspace`, oldest first.
  package func apps(in workspace: Workspace) async throws(ServerError) -> [OAuthAppRecord] {
    try await store.oauthApps(workspaceID: workspace.id)
  }

  /// The app `id` of `workspace`; `notFound` for an unknown id or another workspace's app.
  package func app(_ id: OAuthClientID, in workspace: Workspace) async throws(ServerError) -> OAuthAppRecord {
    guard let app = try await store.oauthApp(id: id), app.workspaceID == workspace.id else {
      throw ServerError(.notFound, "No OAuth app \(id) in workspace '\(workspace.name)'. List them with `oauth-app list`.")
    }
    return app
  }

  /// Deletes an app of `workspace` and every grant to it; its calls stop at once.
  package func delete(_ id: OAuthClientID, in workspace: Workspace, by actor: AuditActor) async throws(ServerError) {
    let app = try await app(id, in: workspace)
    let entry = AuditEntry(
      .oauthAppDeleted, by: actor, target: .oauthApp(id, name: app.name), workspaceID: workspace.id,
      at: dependencies.clock.now())
    guard try await store.deleteOAuthApp(id: id, audit: entry) else { throw ServerError(.notFound, "No OAuth app \(id).") }
  }

  /// Records `user`'s consent that `app` may act for them in the app's workspace with `scopes`, and
  /// returns the grant with its refresh token (shown once). The scopes must lie within the app's and
  /// the user must be a member of the workspace.
  package func grant(_ app: OAuthAppRecord, to user: User, scopes: ScopeSet, by actor: AuditActor)
    async throws(ServerError) -> (grant: OAuthGrantRecord, refreshToken: String)
  {
    guard let outside = scopes.scopes.sorted().first(where: { !app.scopes.grants($0) }) else {
      return try await storeGrant(app, to: user, scopes: scopes, by: actor)
    }
    throw ServerError(
      .invalidArgument,
      "OAuth app '\(app.name)' may not ask for the scope '\(outside.rawValue)' (it allows: \(app.scopes)).")
  }

  private func storeGrant(_ app: OAuthAppRecord, to user: User, scopes: ScopeSet, by actor: AuditActor)
    async throws(ServerError) -> (grant: OAuthGrantRecord, refreshToken: String)
  {
    let made = try await newGrant(app, to: user, scopes: scopes, by: actor)
    try await store.insertOAuthGrant(made.grant, audit: made.audit)
    return (made.grant, made.refreshToken)
  }

  /// A grant of `scopes` to `app` by `user`, its refresh token and its audit entry, not yet
  /// stored (the authorization code grant stores it in the transaction that uses its code).
  /// `failedPrecondition` when the user is not a member of the app's workspace.
  package func newGrant(_ app: OAuthAppRecord, to user: User, scopes: ScopeSet, by actor: AuditActor)
    async throws(ServerError) -> (grant: OAuthGrantRecord, refreshToken: String, audit: AuditEntry)
  {
    guard try await store.membership(workspaceID: app.workspaceID, userID: user.id) != nil else {
      throw ServerError(.failedPrecondition, "\(user.email) is not a member of the workspace of OAuth app '\(app.name)'.")
    }
    let id = OAuthGrantID.random()
    let refreshToken = OAuthFormat.newRefreshToken(for: id)
    let (hash, keyID) = hasher.hash(refreshToken)
    let grant = OAuthGrantRecord(
      id: id, clientID: app.id, workspaceID: app.workspaceID, userID: user.id, scopes: scopes, refreshHash: hash,
      hashKeyID: keyID, createdAt: dependencies.clock.now())
    let entry = AuditEntry(
      .oauthGrantCreated, by: actor, target: .oauthGrant(id, appName: app.name), workspaceID: app.workspaceID,
      at: grant.createdAt, detail: ["client_id": app.id.rawValue, "scopes": scopes.description, "user": user.email],
      subjectUserID: user.id)
    return (grant, refreshToken, entry)
  }

  /// The grants of `workspace`: every one for `user == nil` (owners), else that user's.
  package func grants(in workspace: Workspace, of user: UserID?) async throws(ServerError) -> [OAuthGrantRecord] {
    try await store.oauthGrants(workspaceID: workspace.id, userID: user)
  }

  /// Revokes grant `id` of `workspace`; with `user`, only one of that user's (others are `notFound`).
  /// Revoking a revoked grant changes nothing and is not an error.
  package func revokeGrant(_ id: OAuthGrantID, in workspace: Workspace, of user: UserID?, by actor: AuditActor)
    async throws(ServerError)
  {
    guard let grant = try await store.oauthGrant(id: id), grant.workspaceID == workspace.id,
      user == nil || grant.userID == user
    else {
      throw ServerError(.notFound, "No OAuth grant \(id) in workspace '\(workspace.name)'.")
    }
    let appName = try await store.oauthApp(id: grant.clientID)?.name ?? grant.clientID.rawValue
    let entry = AuditEntry(
      .oauthGrantRevoked, by: actor, target: .oauthGrant(id, appName: appName), workspaceID: workspace.id,
      at: dependencies.clock.now(), subjectUserID: grant.userID)
    _ = try await store.revokeOAuthGrant(id: id, at: entry.time, audit: entry)
  }

  /// `uri` if it may be a redirect URI: absolute `https`, or `http` to a loopback host (RFC 8252
  /// native apps), without a fragment (RFC 6749 3.1.2).
  static func checkedRedirectURI(_ uri: String) throws(ServerError) -> String {
    let problem = "Redirect URI '\(uri)' is not usable: give an absolute https URL, or http://127.0.0.1 or "
      + "http://localhost with a port and path, without a #fragment."
    guard let url = URLComponents(string: uri), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
      url.fragment == nil, uri.utf8.count <= 2000
    else { throw ServerError(.invalidArgument, problem) }
    let loopback = ["127.0.0.1", "localhost", "[::1]", "::1"].contains(host.lowercased())
    guard scheme == "https" || (scheme == "http" && loopback) else { throw ServerError(.invalidArgument, problem) }
    return uri
  }
}
