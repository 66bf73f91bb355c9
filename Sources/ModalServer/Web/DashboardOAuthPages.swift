import Foundation

/// The OAuth grants page: the apps a user has let act for them in a workspace, each revocable at
/// once; owners see (and may revoke) every grant of the workspace.
extension Dashboard {
  func oauthGrantsPage(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    let owner = caller.role == .owner
    let service = backend.oauthApps
    let grants = try await service.grants(in: caller.workspace, of: owner ? nil : user.id)
    let store = backend.dependencies.store
    let apps = Dictionary(
      try await service.apps(in: caller.workspace).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    let base = "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/oauth-grants"
    var rows: [HTML] = []
    for grant in grants {
      let email = grant.userID == user.id ? user.email : (try await store.user(id: grant.userID)?.email ?? grant.userID.rawValue)
      let state: HTML =
        if let revokedAt = grant.revokedAt { "revoked \(HTML.time(revokedAt))" } else {
          """
          <form class="inline" method="post" action="\(base)/\(grant.id)/revoke">\(HTML.csrfField(context.csrf))\
          <button class="danger" type="submit">Revoke</button></form>
          """
        }
      rows.append(
        """
        <tr><td>\(apps[grant.clientID] ?? grant.clientID.rawValue)</td><td><code>\(grant.clientID)</code></td>\
        <td>\(email)</td><td>\(grant.scopes.description)</td><td>\(HTML.time(grant.createdAt))</td><td>\(state)</td></tr>
        """)
    }
    let table: HTML =
      grants.isEmpty
      ? "<p class=\"muted\">No apps have access.</p>"
      : """
      <table id="oauth-grants"><tr><th>App</th><th>Client id</th><th>User</th><th>Scopes</th><th>Granted</th>\
      <th></th></tr>\(rows)</table>
      """
    let scope = owner ? "every grant in this workspace (you are an owner)" : "the apps you let act for you here"
    let body: HTML = """
      <p class="muted">OAuth apps act for a user with a refresh token. This lists \(scope); revoking stops the
      app's calls at once.</p>
      \(table)
      """
    return .html(200, HTML.page(title: "Apps with access · \(caller.workspace.name)", body: body, user: user, csrf: context.csrf))
  }

  func revokeOAuthGrant(_ context: Context, workspaceName: String, grantID: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    _ = try checkedForm(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    // Members revoke their own grants; owners any grant of the workspace.
    let ownerOnly: UserID? = caller.role == .owner ? nil : user.id
    do {
      try await backend.oauthApps.revokeGrant(
        OAuthGrantID(rawValue: grantID), in: caller.workspace, of: ownerOnly, by: caller.auditActor)
    } catch {
      throw PageError(error.code == .notFound ? 404 : Self.status(of: error), "Could not revoke the grant", error.message)
    }
    return .redirect(to: "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/oauth-grants")
  }
}
