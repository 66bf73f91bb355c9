import Foundation

/// The tokens page: list (never a secret or hash), create (the secret shown once), revoke.
extension Dashboard {
  /// Expiry choices offered on the create form: form value → seconds (`nil`: never).
  static let expiryChoices: [(value: String, label: String, seconds: Int64?)] = [
    ("30d", "30 days", 30 * 86_400), ("1d", "1 day", 86_400), ("7d", "7 days", 7 * 86_400),
    ("90d", "90 days", 90 * 86_400), ("365d", "1 year", 365 * 86_400), ("never", "Never", nil),
  ]

  func tokensPage(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    let (workspace, role) = (caller.workspace, caller.role)
    let listed = try await backend.tokens.listing(for: caller)
    let base = "/workspaces/" + Self.percentEncode(workspace.name)
    let origins = try await backend.dependencies.store.federatedOrigins(tokenIDs: listed.map(\.token.id))
    let rows = listed.map { tokenRow($0, origin: origins[$0.token.id], base: base, csrf: context.csrf) }
    let table: HTML =
      listed.isEmpty
      ? "<p class=\"muted\">No tokens yet.</p>"
      : """
      <table id="tokens"><tr><th>Name</th><th>Id</th><th>Scopes</th><th>Created</th><th>Expires</th><th>Last used</th>
      <th>Created by</th><th></th></tr>\(rows)</table>
      """
    let scopes = Self.scopeCheckboxes(name: "scopes", checked: [Scope.all.rawValue])
    let expiry: [HTML] = Self.expiryChoices.map { "<option value=\"\($0.value)\">\($0.label)</option>" }
    let body: HTML = """
      <p class="muted">\(role >= .manager ? "Every token of the workspace (you are \(role == .owner ? "an owner" : "a manager"))." : "Your tokens in this workspace.")</p>
      \(table)
      <h2>New token</h2>
      <form class="card" method="post" action="\(base)/tokens">
      \(HTML.csrfField(context.csrf))
      <label for="name">Name</label><input id="name" type="text" name="name" maxlength="\(TokenService.maximumNameLength)" required>
      <label for="expires">Expires after</label><select id="expires" name="expires">\(expiry)</select>
      <label>Scopes</label><div class="checks">\(scopes)</div>
      <button type="submit" id="create-token">Create token</button>
      </form>
      """
    return .html(200, HTML.page(title: "Tokens · \(workspace.name)", body: body, user: user, csrf: context.csrf))
  }

  /// One row of the tokens table; a live token gets its revoke button.
  /// `origin` says which federation policy minted it, for which OIDC subject.
  private func tokenRow(_ listed: TokenWithCreator, origin: FederatedOrigin?, base: String, csrf: String) -> HTML {
    let token = listed.token
    let state: HTML
    if let revoked = token.revokedAt {
      state = "revoked \(HTML.time(revoked))"
    } else if let disabled = token.disabledAt {
      state = """
        disabled \(HTML.time(disabled)) <form class="inline" method="post" action="\(base)/tokens/\(token.id)/revoke">\
        \(HTML.csrfField(csrf))<button class="danger" type="submit">Revoke</button></form>
        """
    } else if let expires = token.expiresAt, expires <= backend.dependencies.clock.now() {
      state = "expired"
    } else {
      state = """
        <form class="inline" method="post" action="\(base)/tokens/\(token.id)/revoke">\(HTML.csrfField(csrf))\
        <button class="danger" type="submit">Revoke</button></form>
        """
    }
    let owner: HTML
    switch token.owner {
    case .user: owner = ""
    case .serviceUser(let id): owner = " <span class=\"muted\">(service user \(id))</span>"
    }
    let creator: HTML =
      origin.map { "federation policy \($0.policyName) for <code>\($0.subject)</code>" }
      ?? "\(listed.creatorEmail ?? token.createdByUserID?.rawValue ?? "—")"
    return """
      <tr><td>\(token.name)\(owner)</td><td><code>\(token.id)</code></td>
      <td>\(token.scopes.description)</td><td>\(HTML.time(token.createdAt))</td><td>\(HTML.time(token.expiresAt))</td>
      <td>\(HTML.time(token.lastUsedAt))</td><td>\(creator)</td><td>\(state)</td></tr>
      """
  }

  func createToken(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, session) = try requireUser(context)
    let form = try checkedForm(context)
    let workspace = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer).workspace
    let name = try field(form, "name", label: "The name", maximum: TokenService.maximumNameLength)
    guard let expiry = Self.expiryChoices.first(where: { $0.value == form["expires"] }) else {
      throw PageError(400, "Bad request", "Choose an expiry from the list.")
    }
    let scopes: ScopeSet
    do {
      scopes = try ScopeSet(parsing: form.all("scopes").joined(separator: ","))
    } catch {
      throw PageError(400, "Bad request", error.message)
    }
    if let answer = try await freshSecondFactor(context, session: session, form: form, in: workspace) { return answer }
    let issued: IssuedToken
    do {
      issued = try await backend.tokens.issue(
        workspaceID: workspace.id, owner: .user(id: user.id), createdByUserID: user.id, name: name, scopes: scopes,
        lifetimeSeconds: expiry.seconds, by: context.actor(user))
    } catch {
      throw PageError(error.code == .invalidArgument ? 400 : Self.status(of: error), "Could not create the token", error.message)
    }
    return Self.secretPage(
      context, user: user, title: "Token created", tokenID: issued.id, secret: issued.secret,
      back: "/workspaces/" + Self.percentEncode(workspace.name) + "/tokens")
  }

  /// The page that shows a new token's secret, once (`Cache-Control: no-store`).
  static func secretPage(_ context: Context, user: User, title: String, tokenID: TokenID, secret: String, back: String)
    -> HTTPResponse
  {
    let body: HTML = """
      \(HTML.notice("Copy the secret now: it is shown only this once and cannot be recovered.", kind: "warning"))
      <div class="card">
      <label>Token id</label><span class="secret" id="token-id">\(tokenID)</span>
      <label>Token secret</label><span class="secret" id="token-secret">\(secret)</span>
      <p>Use it with <code>modal token set --token-id \(tokenID) --token-secret …</code>
      or as <code>MODAL_TOKEN_ID</code> / <code>MODAL_TOKEN_SECRET</code>.</p>
      </div>
      <p><a href="\(back)">Done</a></p>
      """
    var response = HTTPResponse.html(201, HTML.page(title: title, body: body, user: user, csrf: context.csrf))
    response.add("Cache-Control", "no-store")
    response.add("Pragma", "no-cache")
    return response
  }

  func revokeToken(_ context: Context, workspaceName: String, tokenID: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    _ = try checkedForm(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    let notFound = PageError(404, "Token not found", "There is no such token in this workspace that you may revoke.")
    guard TokenFormat.isWellFormedID(tokenID) else { throw notFound }
    do {
      try await backend.tokens.revoke(id: TokenID(rawValue: tokenID), by: caller)
    } catch {
      guard error.code == .notFound else { throw error }
      throw notFound
    }
    return .redirect(to: "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/tokens")
  }
}
