import Foundation

/// Sign-up, log-in, log-out and the home page.
extension Dashboard {
  /// The generic failure text: the same for an unknown email and a wrong password.
  static let wrongCredentials = "Wrong email or password."

  func homePage(_ context: Context) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let memberships = try await backend.accounts.workspaces(of: user)
    let notices = try await leakNotices(for: user, in: memberships.map(\.workspace.id))
    let rows: [HTML] = memberships.map { listed in
      let link = "/workspaces/" + Self.percentEncode(listed.workspace.name)
      let federation: HTML = listed.role >= .manager ? " · <a href=\"\(link)/federation\">Federation</a>" : ""
      let oauthApps: HTML = listed.role == .owner ? " · <a href=\"\(link)/oauth-apps\">OAuth apps</a>" : ""
      let managerLinks: HTML = listed.role >= .manager ? "<a href=\"\(link)/member-tokens\">Member tokens</a> · " : ""
      return """
        <tr><td>\(listed.workspace.name)</td><td>\(listed.role.rawValue)</td><td>\(listed.workspace.kind.rawValue)</td>
        <td><a href="\(link)/tokens">Tokens</a> · \(managerLinks)<a href="\(link)/proxy-tokens">Proxy tokens</a> · <a href="\(link)/members">Members</a> · <a href="\(link)/service-users">Service users</a> · <a href="\(link)/settings">Settings</a> · <a href="\(link)/audit">Audit log</a> · <a href="\(link)/oauth-grants">Apps with access</a>\(federation)\(oauthApps)</td></tr>
        """
    }
    let table: HTML =
      rows.isEmpty
      ? "<p class=\"muted\">You are not a member of any workspace yet.</p>"
      : "<table><tr><th>Workspace</th><th>Your role</th><th>Kind</th><th></th></tr>\(rows)</table>"
    let body: HTML = """
      \(notices)
      \(table)
      <h2>Connect a command line</h2>
      <p>Run <code>modal token new</code> (or <code>modal setup</code>) with <code>MODAL_SERVER_URL</code> pointing at this
      server's gRPC address, then approve the login here: the CLI opens the approval page, or
      <a href="/flow">type its code</a>.</p>
      """
    return .html(200, HTML.page(title: "Workspaces", body: body, user: user, csrf: context.csrf))
  }

  func loginPage(_ context: Context, email: String, error: String?, status: Int) -> HTTPResponse {
    let next = Self.safeLocalPath(context.request.query["next"] ?? nil)
    let signUp: HTML =
      allowSignUp ? "<p>No account? <a href=\"/signup?next=\(Self.percentEncode(next))\">Sign up</a>.</p>" : ""
    let body: HTML = """
      \(Self.errorNotice(error))
      <form class="card" method="post" action="/login">
      \(HTML.csrfField(context.csrf))
      <input type="hidden" name="next" value="\(next)">
      <label for="email">Email</label><input id="email" type="email" name="email" value="\(email)" maxlength="254" required autofocus>
      <label for="password">Password</label><input id="password" type="password" name="password" maxlength="1024" required>
      <button type="submit" id="login">Log in</button>
      </form>
      \(signUp)
      """
    return .html(status, HTML.page(title: "Log in", body: body))
  }

  func login(_ context: Context) async throws -> HTTPResponse {
    let form = try checkedForm(context)
    let email = try field(form, "email", label: "Email", maximum: 254)
    let password = try field(form, "password", label: "Password", maximum: PasswordHasher.maximumLength)
    let next = Self.safeLocalPath(form["next"])
    let account = NameRules.loginKey(email)
    let address = context.request.peer
    let knownDevice = devices.matches(context.request.cookies[KnownDevice.cookieName], account: account)
    let ticket: LoginTicket
    switch try await logins.begin(account: account, address: address, knownDevice: knownDevice) {
    case .refused(let refusal):
      try await backend.audit.signInFailed(account: account, user: nil, peer: address, reason: "refused by the sign-in limits")
      return loginPage(context, email: email, error: refusalText(refusal), status: 429)
    case .proceed(let proceeding): ticket = proceeding
    }
    let user = try await backend.accounts.signingInUser(email: account)
    let known = knownDevice ? true : await passwordLane.isKnown(address)
    let verified = await PasswordWork.verify(password, hash: user?.passwordHash, lane: passwordLane, known: known)
    guard let verified else { return loginPage(context, email: email, error: Self.busyText, status: 429) }
    guard verified, let user else {
      let reason = user == nil ? "unknown account" : "wrong password"
      try await backend.audit.signInFailed(account: account, user: user, peer: address, reason: reason)
      return loginPage(context, email: email, error: Self.wrongCredentials, status: 401)
    }
    try await logins.succeeded(ticket)
    await passwordLane.remember(address)
    var response = try await afterPassword(context, user: user, next: next)
    response.add(
      "Set-Cookie",
      Cookies.make(
        name: KnownDevice.cookieName, value: devices.cookie(account: account), maxAge: KnownDevice.lifetime,
        secure: context.secureCookies))
    return response
  }

  /// Ends any old session and the pre-session, and starts a new session (no fixation);
  /// `secondFactor` when the user has just proved one.
  func startSession(_ context: Context, user: User, next: String, secondFactor: Bool = false) async throws
    -> HTTPResponse
  {
    if let old = context.session { try await backend.sessions.end(old.id) }
    let id = try await backend.sessions.create(for: user, secondFactor: secondFactor, peer: context.request.peer)
    var response = HTTPResponse.redirect(to: next)
    let secure = context.secureCookies
    response.add(
      "Set-Cookie",
      Cookies.make(name: WebSessions.cookieName, value: id, maxAge: Int(backend.sessions.lifetime), secure: secure))
    response.add(
      "Set-Cookie", Cookies.make(name: WebSessions.preSessionCookieName, value: "", maxAge: 0, secure: secure))
    return response
  }

  func signUpPage(_ context: Context, email: String, workspace: String, error: String?, status: Int) -> HTTPResponse {
    guard allowSignUp else {
      return PageError(403, "Sign-up is closed", "Ask an administrator of this server for an account.").response(
        context)
    }
    let next = Self.safeLocalPath(context.request.query["next"] ?? nil)
    let body: HTML = """
      \(Self.errorNotice(error))
      <form class="card" method="post" action="/signup">
      \(HTML.csrfField(context.csrf))
      <input type="hidden" name="next" value="\(next)">
      <label for="email">Email</label><input id="email" type="email" name="email" value="\(email)" maxlength="254" required autofocus>
      <label for="password">Password (at least \(PasswordHasher.minimumLength) characters)</label>
      <input id="password" type="password" name="password" minlength="\(PasswordHasher.minimumLength)" maxlength="1024" required>
      <label for="workspace">Workspace name</label>
      <input id="workspace" type="text" name="workspace" value="\(workspace)" maxlength="63" required
        pattern="[a-z0-9][a-z0-9-]*" title="lower-case letters, digits and dashes">
      <p class="muted">Your personal workspace, with an environment <code>main</code>.</p>
      <button type="submit" id="signup">Sign up</button>
      </form>
      <p>Have an account? <a href="/login?next=\(Self.percentEncode(next))">Log in</a>.</p>
      """
    return .html(status, HTML.page(title: "Sign up", body: body))
  }

  func signUp(_ context: Context) async throws -> HTTPResponse {
    guard allowSignUp else {
      throw PageError(403, "Sign-up is closed", "Ask an administrator of this server for an account.")
    }
    let form = try checkedForm(context)
    let email = try field(form, "email", label: "Email", maximum: 254)
    let password = try field(form, "password", label: "Password", maximum: PasswordHasher.maximumLength)
    let workspaceName = try field(form, "workspace", label: "Workspace name", maximum: 63)
    let next = Self.safeLocalPath(form["next"])
    let hashed: ServerError? = PasswordHasher.validationError(password)
    if let hashed {
      return signUpPage(context, email: email, workspace: workspaceName, error: hashed.message, status: 400)
    }
    if let signUps, let until = try await signUps.attempt("signup\n" + context.request.peer) {
      let error = "Too many accounts were created from your address. Try again in \(minutesUntil(until))."
      return signUpPage(context, email: email, workspace: workspaceName, error: error, status: 429)
    }
    guard let hash = await PasswordWork.hash(password, lane: passwordLane) else {
      return signUpPage(context, email: email, workspace: workspaceName, error: Self.busyText, status: 429)
    }
    let result: Result<User, ServerError>
    if let hash {
      do {
        result = .success(
          try await backend.accounts.signUp(email: email, passwordHash: hash, workspaceName: workspaceName))
      } catch {
        result = .failure(error)
      }
    } else {
      result = .failure(ServerError(.internal, "Could not hash the password."))
    }
    switch result {
    case .success(let user):
      return try await startSession(context, user: user, next: next)
    case .failure(let error):
      let status = error.code == .alreadyExists ? 409 : error.code == .invalidArgument ? 400 : 500
      return signUpPage(context, email: email, workspace: workspaceName, error: error.message, status: status)
    }
  }

  func logout(_ context: Context) async throws -> HTTPResponse {
    _ = try checkedForm(context)
    if let session = context.session { try await backend.sessions.end(session.id) }
    var response = HTTPResponse.redirect(to: "/login")
    response.add(
      "Set-Cookie", Cookies.make(name: WebSessions.cookieName, value: "", maxAge: 0, secure: context.secureCookies))
    return response
  }
}

extension PasswordHasher {
  /// The length-rule failure for `password`, or `nil` when it is acceptable.
  static func validationError(_ password: String) -> ServerError? {
    do {
      try validate(password)
      return nil
    } catch {
      return error
    }
  }
}
