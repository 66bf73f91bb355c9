import Foundation

/// The user's side of the OAuth authorization code flow: `GET /oauth/authorize` checks the
/// request (`OAuthAuthorizeRequest`), sends a signed-out user to sign in and back, and shows the
/// consent page (the app, the workspace, each scope in words); `POST /oauth/authorize` checks the
/// request again from the form, then Approve issues a code and Deny answers `access_denied`, both
/// by a redirect to the app's redirect URI with its `state`.
extension Dashboard {
  /// The path of the authorization endpoint.
  static let authorizePath = "/oauth/authorize"

  func authorizePage(_ context: Context) async throws -> HTTPResponse {
    let query = context.request.query
    let request: OAuthAuthorizeRequest
    do {
      let repeated = context.request.repeatedQueryNames
      request = try await OAuthAuthorizeRequest.check(
        { query[$0] }, isRepeated: { repeated.contains($0) }, store: backend.dependencies.store)
    } catch {
      return Self.answer(error, context)
    }
    guard let user = context.user else {
      // Come back here, with the request, once signed in.
      let back = Self.authorizePath + "?" + OAuthAuthorizeRequest.parameterNames.compactMap { name in
        query[name].map { OAuthRedirect.encode(name) + "=" + OAuthRedirect.encode($0) }
      }.joined(separator: "&")
      return .redirect(to: "/login?next=" + Self.percentEncode(back))
    }
    let caller = try await consentingMember(request, user: user, peer: context.request.peer)
    let hidden: [HTML] = OAuthAuthorizeRequest.parameterNames.compactMap { name in
      query[name].map { "<input type=\"hidden\" name=\"\(name)\" value=\"\($0)\">" }
    }
    let scopes: [HTML] = request.scopes.scopes.sorted().map {
      "<li><strong>\($0.explanation)</strong> <code>\($0.rawValue)</code></li>"
    }
    let body: HTML = """
      <p><strong id="app-name">\(request.app.name)</strong> asks to act for you (\(user.email)) in workspace
      <strong id="workspace">\(caller.workspace.name)</strong>. It will be able to:</p>
      <ul id="scopes">\(scopes)</ul>
      <p class="muted">Always within your role there (\(caller.role.rawValue)). You can revoke its access at any time under
      <a href="/workspaces/\(Self.percentEncode(caller.workspace.name))/oauth-grants">Apps with access</a>.
      After you answer, you go back to <code id="redirect">\(request.redirectURI)</code>.</p>
      <form class="card" method="post" action="\(Self.authorizePath)">
      \(HTML.csrfField(context.csrf))
      \(hidden)
      <button type="submit" id="approve" name="decision" value="approve">Approve</button>
      <button type="submit" id="deny" class="secondary" name="decision" value="deny">Deny</button>
      </form>
      """
    var response = HTTPResponse.html(
      200, HTML.page(title: "Authorize \(request.app.name)?", body: body, user: user, csrf: context.csrf))
    response.add("Content-Security-Policy", Self.consentPolicy(redirectURI: request.redirectURI))
    return response
  }

  func authorize(_ context: Context) async throws -> HTTPResponse {
    let (user, session) = try requireUser(context)
    let form = try checkedForm(context)
    let request: OAuthAuthorizeRequest
    do {
      request = try await OAuthAuthorizeRequest.check(
        { form[$0] }, isRepeated: { form.all($0).count > 1 }, store: backend.dependencies.store)
    } catch {
      return Self.answer(error, context)
    }
    let caller = try await consentingMember(request, user: user, peer: context.request.peer)
    guard form["decision"] == "approve" else {
      let denied = OAuthRedirect(
        to: request.redirectURI, error: "access_denied", description: "The user denied the request.", state: request.state)
      return .redirect(to: denied.location)
    }
    if var answer = try await freshSecondFactor(context, session: session, form: form, in: caller.workspace) {
      // Its form posts back here, and the answer is the redirect to the app.
      answer.add("Content-Security-Policy", Self.consentPolicy(redirectURI: request.redirectURI))
      return answer
    }
    let code = try await backend.oauthCodes.issue(
      .init(
        app: request.app, user: user, scopes: request.scopes, redirectURI: request.redirectURI,
        codeChallenge: request.codeChallenge, peer: context.request.peer))
    var parameters = [("code", code)]
    if let state = request.state { parameters.append(("state", state)) }
    return .redirect(to: OAuthRedirect(to: request.redirectURI, parameters).location)
  }

  /// The user as a member of the app's workspace; a 403 page for anyone else (only members may
  /// let an app act for them there).
  private func consentingMember(_ request: OAuthAuthorizeRequest, user: User, peer: String) async throws -> SessionCaller {
    guard var caller = try await backend.accounts.sessionCaller(user: user, workspaceID: request.app.workspaceID) else {
      throw PageError(
        403, "Not a member",
        "App '\(request.app.name)' acts in a workspace you are not a member of, so you cannot give it access. "
          + "Ask an owner of that workspace to add you, or use an app registered in your workspace.")
    }
    caller.peer = peer
    return caller
  }

  /// The error page, or the redirect to the app with the error.
  private static func answer(_ failure: OAuthAuthorizeRequest.Failure, _ context: Context) -> HTTPResponse {
    switch failure {
    case .page(let message): PageError(400, "Cannot authorize this app", message).response(context)
    case .redirect(let redirect): .redirect(to: redirect.location)
    }
  }

  /// The dashboard's policy with the redirect URI's origin added to `form-action`: browsers apply
  /// it to the redirect that follows the consent form's POST.
  static func consentPolicy(redirectURI: String) -> String {
    let policy = securityHeaders.first { $0.name == "Content-Security-Policy" }?.value ?? ""
    guard let origin = origin(of: redirectURI) else { return policy }
    return policy.replacingOccurrences(of: "form-action 'self'", with: "form-action 'self' \(origin)")
  }
}
