import Foundation

/// The OAuth apps page of a workspace, for owners: the registered apps, a form to register one
/// (client secret shown once, or an RSA public key for `private_key_jwt`) and delete. Through
/// `OAuthAppService`, as `modal-server oauth-app`, so the checks, the audit entries and the
/// at-once stop of a deleted app's calls on every replica are the CLI's.
extension Dashboard {
  /// The most characters the public key field takes (a 4096-bit key's PEM or JWK is under 1000).
  static let publicKeyFieldLimit = 16_000

  /// What the register form holds, so a refused form comes back filled in.
  struct OAuthAppDraft {
    var name = ""
    var redirectURIs = ""
    var usesPublicKey = false
    var publicKey = ""
    var scopes: Set<String> = [Scope.all.rawValue]
  }

  func oauthAppsPage(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let caller = try await ownerCaller(context, workspaceName, user: user, action: "register and delete OAuth apps")
    return try await oauthAppsPage(context, caller: caller, draft: OAuthAppDraft(), error: nil, status: 200)
  }

  private func oauthAppsPage(
    _ context: Context, caller: SessionCaller, draft: OAuthAppDraft, error: String?, status: Int
  ) async throws -> HTTPResponse {
    let apps = try await serviceCall { () async throws(ServerError) in
      try await backend.oauthApps.apps(in: caller.workspace)
    }
    let base = Self.oauthAppsPath(caller.workspace)
    let rows = apps.map { oauthAppRow($0, base: base, csrf: context.csrf) }
    let table: HTML =
      apps.isEmpty
      ? "<p class=\"muted\">No OAuth apps yet.</p>"
      : """
      <table id="oauth-apps"><tr><th>Name</th><th>Client id</th><th>Client authentication</th><th>Redirect URIs</th>
      <th>Allowed scopes</th><th>Created</th><th></th></tr>\(rows)</table>
      """
    let body: HTML = """
      <p class="muted">OAuth apps (an IDE plug-in, an agent, a CI service) act for a member who consents, with at most
      the scopes allowed here. <a href="/workspaces/\(Self.percentEncode(caller.workspace.name))/oauth-grants">Apps with access</a>
      lists the grants.</p>
      \(table)
      <h2>Register an app</h2>
      \(Self.errorNotice(error))
      \(oauthAppForm(draft, base: base, csrf: context.csrf))
      """
    let title = "OAuth apps · \(caller.workspace.name)"
    return .html(status, HTML.page(title: title, body: body, user: caller.user, csrf: context.csrf))
  }

  private func oauthAppRow(_ app: OAuthAppRecord, base: String, csrf: String) -> HTML {
    let method: HTML =
      switch app.authentication {
      case .secret(_, _, let hint): "client secret (…\(hint))"
      case .publicKey: "public key (private_key_jwt)"
      }
    let uriList: [HTML] = app.redirectURIs.map { "<code>\($0)</code><br>" }
    let uris: HTML = uriList.isEmpty ? "—" : "\(uriList)"
    return """
      <tr><td>\(app.name)</td><td><code>\(app.id)</code></td><td>\(method)</td><td>\(uris)</td>
      <td>\(app.scopes.description)</td><td>\(HTML.time(app.createdAt))</td><td>
      <form class="inline" method="post" action="\(base)/\(app.id)/delete">\(HTML.csrfField(csrf))\
      <label><input type="checkbox" name="confirm" value="on" required> its calls stop now</label> \
      <button class="danger" type="submit">Delete</button></form></td></tr>
      """
  }

  private func oauthAppForm(_ draft: OAuthAppDraft, base: String, csrf: String) -> HTML {
    let scopes = Self.scopeCheckboxes(name: "scopes", checked: draft.scopes)
    let secretChecked = draft.usesPublicKey ? "" : " checked"
    let keyChecked = draft.usesPublicKey ? " checked" : ""
    return """
      <form class="card" method="post" action="\(base)">
      \(HTML.csrfField(csrf))
      <label for="name">Name (users see it when they consent)</label>\
      <input id="name" type="text" name="name" maxlength="\(TokenService.maximumNameLength)" value="\(draft.name)" required>
      <label for="redirect_uris">Redirect URIs, one a line: https, or http to 127.0.0.1 or localhost</label>\
      <textarea id="redirect_uris" name="redirect_uris" rows="3">\(draft.redirectURIs)</textarea>
      <label>Client authentication</label><div class="checks">\
      <label><input type="radio" name="client_authentication" value="secret"\(raw: secretChecked)> client secret (shown once)</label>\
      <label><input type="radio" name="client_authentication" value="public_key"\(raw: keyChecked)> public key</label></div>
      <label for="public_key">RSA public key, PEM or JWK (for "public key": the app signs an RS256 assertion per call)</label>\
      <textarea id="public_key" name="public_key" rows="6">\(draft.publicKey)</textarea>
      <label>Allowed scopes</label><div class="checks">\(scopes)</div>
      <button type="submit" id="register-oauth-app">Register app</button>
      </form>
      """
  }

  /// One checkbox per scope the CLI accepts, named `name`, those in `checked` ticked.
  static func scopeCheckboxes(name: String, checked: Set<String>) -> [HTML] {
    Scope.allCases.map { scope in
      let tick = checked.contains(scope.rawValue) ? " checked" : ""
      return
        "<label><input type=\"checkbox\" name=\"\(name)\" value=\"\(scope.rawValue)\"\(raw: tick)> \(scope.rawValue)</label>"
    }
  }

  func registerOAuthApp(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let form = try checkedForm(context)
    let caller = try await ownerCaller(context, workspaceName, user: user, action: "register and delete OAuth apps")
    let draft = OAuthAppDraft(
      name: form["name"] ?? "", redirectURIs: form["redirect_uris"] ?? "",
      usesPublicKey: form["client_authentication"] == "public_key", publicKey: form["public_key"] ?? "",
      scopes: Set(form.all("scopes")))
    let registered: (app: OAuthAppRecord, secret: String?)
    do throws(ServerError) {
      let registration = try Self.registration(from: draft)
      registered = try await backend.oauthApps.register(registration, in: caller.workspace, by: caller.auditActor)
    } catch  where error.code == .invalidArgument {
      // The form again, filled in, with what to fix.
      return try await oauthAppsPage(context, caller: caller, draft: draft, error: error.message, status: 400)
    } catch {
      throw PageError(Self.status(of: error), "Could not register the app", error.message)
    }
    return Self.registeredOAuthAppPage(
      context, user: user, app: registered.app, secret: registered.secret,
      back: Self.oauthAppsPath(caller.workspace))
  }

  /// The registration a filled-in form asks for; `invalidArgument` saying what to fix.
  static func registration(from draft: OAuthAppDraft) throws(ServerError) -> OAuthAppService.Registration {
    guard draft.name.count <= TokenService.maximumNameLength, draft.redirectURIs.utf8.count <= 20_000,
      draft.publicKey.count <= publicKeyFieldLimit
    else {
      throw ServerError(
        .invalidArgument, "A field is too long: give a shorter name, fewer redirect URIs or one public key.")
    }
    let uris = draft.redirectURIs.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    var scopes = Set<Scope>()
    for text in draft.scopes {
      guard let scope = Scope(rawValue: text) else {
        throw ServerError(.invalidArgument, "Unknown scope '\(text)': tick the offered ones.")
      }
      scopes.insert(scope)
    }
    guard !scopes.isEmpty else {
      throw ServerError(.invalidArgument, "Tick at least one scope the app may ask for (for example `read`).")
    }
    let credential: OAuthAppService.ClientCredential
    if draft.usesPublicKey {
      guard !draft.publicKey.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        throw ServerError(.invalidArgument, "Paste the app's RSA public key (PEM or JWK), or choose a client secret.")
      }
      credential = .publicKey(jwk: OAuthClientKey.storedText(try OAuthClientKey.parse(draft.publicKey)))
    } else {
      credential = .secret
    }
    return .init(name: draft.name, redirectURIs: uris, scopes: ScopeSet(scopes), credential: credential)
  }

  /// The page after registering: the client id, and the client secret with its only showing.
  private static func registeredOAuthAppPage(
    _ context: Context, user: User, app: OAuthAppRecord, secret: String?, back: String
  ) -> HTTPResponse {
    let credential: HTML =
      if let secret {
        """
        \(HTML.notice("Copy the client secret now: it is shown only this once and cannot be recovered.", kind: "warning"))
        <label>Client secret</label><span class="secret" id="client-secret">\(secret)</span>
        <p>The app sends it as <code>MODAL_OAUTH_CLIENT_SECRET</code> (<code>x-modal-oauth-client-secret</code>).</p>
        """
      } else {
        "<p>The app signs an RS256 assertion per call with its private key (<code>MODAL_OAUTH_JWT_KEY</code>).</p>"
      }
    let body: HTML = """
      <div class="card">
      <label>Client id</label><span class="secret" id="client-id">\(app.id)</span>
      \(credential)
      </div>
      <p><a href="\(back)">Done</a></p>
      """
    var response = HTTPResponse.html(
      201, HTML.page(title: "OAuth app \(app.name) registered", body: body, user: user, csrf: context.csrf))
    response.add("Pragma", "no-cache")
    return response
  }

  func deleteOAuthApp(_ context: Context, workspaceName: String, clientID: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let form = try checkedForm(context)
    let caller = try await ownerCaller(context, workspaceName, user: user, action: "register and delete OAuth apps")
    guard form["confirm"] == "on" else {
      throw PageError(400, "Not deleted", "Tick the box that confirms the app's calls stop now, then delete again.")
    }
    guard OAuthFormat.isWellFormedClientID(clientID) else {
      throw PageError(404, "Not found", "There is no OAuth app \(clientID) in this workspace.")
    }
    try await serviceCall { () async throws(ServerError) in
      try await backend.oauthApps.delete(OAuthClientID(rawValue: clientID), in: caller.workspace, by: caller.auditActor)
    }
    return .redirect(to: Self.oauthAppsPath(caller.workspace))
  }

  static func oauthAppsPath(_ workspace: Workspace) -> String {
    "/workspaces/" + percentEncode(workspace.name) + "/oauth-apps"
  }
}
