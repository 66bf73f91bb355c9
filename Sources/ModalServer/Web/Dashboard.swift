import Foundation

/// The web dashboard: server-rendered HTML pages for signing up and in (JavaScript only for
/// passkeys, from `/static/passkeys.js`),
/// approving `modal token new` logins, tokens, members and service users.
///
/// Every POST is checked three ways: Fetch Metadata (`Sec-Fetch-Site: cross-site` is refused),
/// `Origin` (when sent, it must be this server; `Referrer-Policy: same-origin` keeps browsers
/// sending it, where `no-referrer` would make it `null`), and a synchronizer CSRF token tied to the
/// session (or, on the login and sign-up forms, to a pre-session cookie).
package struct Dashboard: Sendable {
  let backend: Backend
  let csrfTokens: WebSessions
  /// Failed logins: per client address, per account and address, and the account's slow-down (`LoginLimits`).
  let logins: LoginLimits
  /// Sign-ups per client address and hour; `nil` when unlimited.
  let signUps: AttemptLimiter?
  /// The queue in front of password checks, known browsers first (`PasswordLane`).
  let passwordLane: PasswordLane
  /// The known-device cookie.
  let devices: KnownDevice
  /// Wrong login codes per account and per session: 5 in 10 minutes (RFC 8628 §5.1).
  let codeGuesses: AttemptLimiter
  /// Whether anyone may create an account.
  let allowSignUp: Bool
  /// GitHub's secret-scanning reports, when keys are configured (`serve --secret-scanning-keys`).
  let scanning: GitHubScanningEndpoint?
  /// `POST /oauth/token` and its grants.
  let tokenEndpoint: OAuthTokenEndpoint

  /// The most failed logins per account and client address in the window.
  package static let loginFailureLimit = LoginLimits.perAddress
  /// The most wrong codes per account or session in the window.
  package static let codeGuessLimit = 5

  /// Creates the dashboard over the server's services.
  package init(backend: Backend, allowSignUp: Bool = true, scanningKeys: ScanningKeySource? = nil) {
    self.backend = backend
    csrfTokens = WebSessions(dependencies: backend.dependencies)
    let dependencies = backend.dependencies
    logins = LoginLimits(dependencies: dependencies)
    let signUpLimit = dependencies.settings.signUpsPerAddressPerHour
    signUps =
      signUpLimit > 0 ? AttemptLimiter(limit: signUpLimit, windowSeconds: 3600, dependencies: dependencies) : nil
    passwordLane = PasswordLane(strangerQueue: dependencies.settings.passwordQueue)
    devices = KnownDevice(keys: dependencies.keys)
    codeGuesses = AttemptLimiter(limit: Self.codeGuessLimit, windowSeconds: 10 * 60, dependencies: backend.dependencies)
    self.allowSignUp = allowSignUp
    scanning = scanningKeys.map { GitHubScanningEndpoint(keys: $0, backend: backend) }
    tokenEndpoint = OAuthTokenEndpoint(backend: backend)
  }

  /// The page for a failure the user can do nothing about but try again.
  static let failurePage = PageError(500, "Something went wrong", "The server could not complete this request.")

  /// The headers every response carries (unless it sets its own).
  package static let securityHeaders: [(name: String, value: String)] = [
    (
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"), ("Cache-Control", "no-store"),
  ]

  /// The path as logged: login codes in `/flow/…` are replaced by `<code>`.
  package static func redactPath(_ path: String) -> String {
    path.hasPrefix("/flow/") ? "/flow/<code>" + (path.hasSuffix("/") ? "/" : "") : path
  }

  /// An HTTP server configuration for this dashboard (security headers, path redaction, `log`).
  package static func serverConfiguration(
    host: String, port: Int, tls: HTTPServerConfiguration.TLS?, connectionsPerAddress: Int = 16,
    log: @escaping @Sendable (String) -> Void
  ) -> HTTPServerConfiguration {
    var configuration = HTTPServerConfiguration(host: host, port: port, tls: tls)
    configuration.maximumConnectionsPerAddress = connectionsPerAddress
    configuration.defaultHeaders = securityHeaders
    configuration.log = log
    configuration.redactPath = redactPath
    return configuration
  }

  /// What a handler knows about the request: the session (if signed in) and the CSRF token to put in forms.
  struct Context: Sendable {
    let request: HTTPRequest
    let session: SessionService.Session?
    /// The session or pre-session id the CSRF token is bound to.
    let csrfBinding: String
    let csrf: String
    /// A pre-session cookie to set (on a first visit).
    let newPreSession: String?
    /// Whether cookies get `Secure`: the request came over TLS, or the public URL is `https`
    /// (TLS ended at a load balancer in front of the server).
    let secureCookies: Bool

    var user: User? { session?.user }

    /// `user`, signed in here, as the audit log names them (with the browser's address).
    func actor(_ user: User) -> AuditActor { .webUser(user, peer: request.peer) }
  }

  /// Answers one request (never throws: every failure becomes a page).
  package func handle(_ request: HTTPRequest) async -> HTTPResponse {
    var request = request
    // HEAD is GET without the body, which the HTTP server leaves out.
    if request.method == "HEAD" { request.method = "GET" }
    if request.method == "GET" && request.path == "/static/style.css" {
      return HTTPResponse(
        status: 200, headers: [("Content-Type", "text/css; charset=utf-8"), ("Cache-Control", "public, max-age=3600")],
        body: Array(Stylesheet.css.utf8))
    }
    if request.method == "GET" && request.path == "/static/passkeys.js" {
      return HTTPResponse(
        status: 200,
        headers: [("Content-Type", "text/javascript; charset=utf-8"), ("Cache-Control", "public, max-age=3600")],
        body: Array(PasskeyScript.javaScript.utf8))
    }

    // Before any session: a reverse proxy's sub-request carries no cookies and gets no page.
    if let answer = await ProxyAuthEndpoint.answer(request, service: backend.proxyTokens) { return answer }
    if let scanning, let answer = await scanning.answer(request) { return answer }
    if let answer = await tokenEndpoint.answer(request) { return answer }
    let cookies = request.cookies
    let session: SessionService.Session?
    do {
      session = try await backend.sessions.find(cookies[WebSessions.cookieName])
    } catch {
      // A failing store is not being signed out: say so instead of showing the login page.
      let context = Context(
        request: request, session: nil, csrfBinding: "", csrf: "", newPreSession: nil, secureCookies: request.isSecure)
      return Self.failurePage.response(context)
    }
    var preSession = cookies[WebSessions.preSessionCookieName]
    var newPreSession: String?
    if session == nil, preSession.map({ SessionService.isWellFormed($0, prefix: "mp-") }) != true {
      preSession = WebSessions.newPreSessionID()
      newPreSession = preSession
    }
    let binding = session?.id ?? preSession ?? ""
    let context = Context(
      request: request, session: session, csrfBinding: binding, csrf: csrfTokens.csrfToken(for: binding),
      newPreSession: newPreSession, secureCookies: request.isSecure || publicURLIsHTTPS)
    var response: HTTPResponse
    do {
      response = try await route(context)
    } catch let error as PageError {
      response = error.response(context)
    } catch {
      response = Self.failurePage.response(context)
    }
    if let newPreSession {
      response.add(
        "Set-Cookie",
        Cookies.make(
          name: WebSessions.preSessionCookieName, value: newPreSession, maxAge: nil, secure: context.secureCookies))
    }
    if publicURLIsHTTPS {
      // Browsers reach this server over https only: have them never try plain http again.
      response.add("Strict-Transport-Security", "max-age=31536000")
    }
    return response
  }

  private func route(_ context: Context) async throws -> HTTPResponse {
    let request = context.request
    let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    switch (request.method, parts.count) {
    case ("GET", 0): return try await homePage(context)
    case ("GET", 1) where parts[0] == "login": return loginPage(context, email: "", error: nil, status: 200)
    case ("POST", 1) where parts[0] == "login": return try await login(context)
    case ("GET", 2) where parts == ["login", "second-factor"]:
      return try await secondStepPage(context, error: nil, status: 200)
    case ("POST", 2) where parts == ["login", "second-factor"]: return try await secondStep(context)
    case (_, 2...) where parts[0] == "account": return try await accountRoute(context, rest: Array(parts.dropFirst()))
    case ("GET", 1) where parts[0] == "signup":
      return signUpPage(context, email: "", workspace: "", error: nil, status: 200)
    case ("POST", 1) where parts[0] == "signup": return try await signUp(context)
    case ("POST", 1) where parts[0] == "logout": return try await logout(context)
    case ("GET", 1) where parts[0] == "flow": return try codeEntryPage(context, error: nil, status: 200)
    case ("POST", 1) where parts[0] == "flow": return try await enterCode(context)
    case ("GET", 2) where parts[0] == "flow": return try await approvalPage(context, code: parts[1])
    case ("POST", 2) where parts[0] == "flow": return try await approve(context, code: parts[1])
    case ("GET", 2) where parts == ["oauth", "authorize"]: return try await authorizePage(context)
    case ("POST", 2) where parts == ["oauth", "authorize"]: return try await authorize(context)
    case ("GET", 3...) where parts[0] == "workspaces", ("POST", 3...) where parts[0] == "workspaces":
      return try await workspaceRoute(context, name: parts[1], rest: Array(parts.dropFirst(2)))
    case ("GET", _):
      throw PageError(404, "Not found", "There is no page at this address.")
    case ("POST", _):
      throw PageError(404, "Not found", "There is no form at this address.")
    default:
      var response = PageError(405, "Method not allowed", "This server answers GET, HEAD and POST only.").response(
        context)
      response.add("Allow", "GET, HEAD, POST")
      return response
    }
  }

  private func workspaceRoute(_ context: Context, name: String, rest: [String]) async throws -> HTTPResponse {
    let method = context.request.method
    switch (method, rest.count, rest.first ?? "") {
    case ("GET", 1, "tokens"): return try await tokensPage(context, workspaceName: name)
    case ("POST", 1, "tokens"): return try await createToken(context, workspaceName: name)
    case ("POST", 3, "tokens") where rest[2] == "revoke":
      return try await revokeToken(context, workspaceName: name, tokenID: rest[1])
    case ("GET", 1, "member-tokens"): return try await memberTokensPage(context, workspaceName: name)
    case ("POST", 2, "member-tokens") where rest[1] == "disable-all":
      return try await changeMemberTokens(context, workspaceName: name, tokenID: nil, change: "disable")
    case ("POST", 3, "member-tokens") where rest[2] == "disable" || rest[2] == "enable":
      return try await changeMemberTokens(context, workspaceName: name, tokenID: rest[1], change: rest[2])
    case ("GET", 1, "proxy-tokens"): return try await proxyTokensPage(context, workspaceName: name)
    case ("POST", 1, "proxy-tokens"): return try await createProxyToken(context, workspaceName: name)
    case ("POST", 3, "proxy-tokens") where rest[2] == "environment" || rest[2] == "delete":
      return try await changeProxyToken(context, workspaceName: name, tokenID: rest[1], change: rest[2])
    case ("GET", 1, "federation"): return try await federationPage(context, workspaceName: name)
    case ("POST", 1, "federation"): return try await addFederationPolicy(context, workspaceName: name)
    case ("POST", 3, "federation") where rest[2] == "remove":
      return try await removeFederationPolicy(context, workspaceName: name, policyID: rest[1])
    case ("GET", 1, "oauth-apps"): return try await oauthAppsPage(context, workspaceName: name)
    case ("POST", 1, "oauth-apps"): return try await registerOAuthApp(context, workspaceName: name)
    case ("POST", 3, "oauth-apps") where rest[2] == "delete":
      return try await deleteOAuthApp(context, workspaceName: name, clientID: rest[1])
    case ("GET", 1, "oauth-grants"): return try await oauthGrantsPage(context, workspaceName: name)
    case ("POST", 3, "oauth-grants") where rest[2] == "revoke":
      return try await revokeOAuthGrant(context, workspaceName: name, grantID: rest[1])
    case ("GET", 1, "members"): return try await membersPage(context, workspaceName: name)
    case ("POST", 1, "members"): return try await addMember(context, workspaceName: name)
    case ("POST", 3, "members") where rest[2] == "role":
      return try await changeRole(context, workspaceName: name, userID: rest[1])
    case ("POST", 3, "members") where rest[2] == "remove":
      return try await removeMember(context, workspaceName: name, userID: rest[1])
    case ("GET", 1, "settings"): return try await settingsPage(context, workspaceName: name)
    case ("GET", 1, "audit"): return try await auditPage(context, workspaceName: name)
    case ("POST", 1, "settings"): return try await saveSettings(context, workspaceName: name)
    case ("GET", 1, "service-users"): return try await serviceUsersPage(context, workspaceName: name)
    case ("POST", 2, "service-users") where rest[1] == "create":
      return try await createScopedServiceUser(context, workspaceName: name)
    case ("POST", 3, "service-users") where rest[2] == "role" || rest[2] == "remove":
      return try await changeServiceUser(context, workspaceName: name, serviceUserName: rest[1], change: rest[2])
    case ("POST", 1, "service-users"): return try await createServiceUser(context, workspaceName: name)
    case ("POST", 3, "service-users") where rest[2] == "delete":
      return try await deleteServiceUser(context, workspaceName: name, serviceUserID: rest[1])
    default: throw PageError(404, "Not found", "There is no page at this address.")
    }
  }

  private func accountRoute(_ context: Context, rest: [String]) async throws -> HTTPResponse {
    switch (context.request.method, rest) {
    case ("GET", ["security"]): return try await securityPage(context)
    case ("GET", ["totp"]): return try totpEnrolmentPage(context)
    case ("POST", ["totp"]): return try await enrolTOTP(context)
    case ("POST", ["totp", "remove"]): return try await removeTOTP(context)
    case ("POST", ["passkeys"]): return try await addPasskey(context)
    case ("POST", ["passkeys", "rename"]): return try await renamePasskey(context)
    case ("POST", ["passkeys", "remove"]): return try await removePasskey(context)
    default: throw PageError(404, "Not found", "There is no page at this address.")
    }
  }

  // MARK: Shared checks

  /// The signed-in user, or a redirect to the login page that comes back here.
  func requireUser(_ context: Context) throws -> (User, SessionService.Session) {
    guard let session = context.session else {
      let back = context.request.method == "GET" ? context.request.path : "/"
      throw PageError.redirect("/login?next=" + Self.percentEncode(back))
    }
    return (session.user, session)
  }

  /// Decodes a POST's form after the cross-site and CSRF checks; throws the 403/400/415 page.
  func checkedForm(_ context: Context) throws -> FormData {
    let request = context.request
    if let site = request.header("sec-fetch-site"), site == "cross-site" || site == "same-site" {
      throw PageError(403, "Request refused", "This form was submitted from another site.")
    }
    // Browsers send `Origin: null` under some referrer policies; Fetch Metadata then still vouches.
    if let origin = request.header("origin"), !(origin == "null" && request.header("sec-fetch-site") == "same-origin") {
      let scheme = request.isSecure ? "https" : "http"
      let expected = request.header("host").map { "\(scheme)://\($0)" }
      let publicOrigin = Self.origin(of: backend.dependencies.settings.publicURL)
      guard origin == expected || origin == publicOrigin else {
        throw PageError(403, "Request refused", "This form was submitted from another origin.")
      }
    }
    let type = request.header("content-type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
      .lowercased()
    guard type == "application/x-www-form-urlencoded" else {
      throw PageError(415, "Unsupported form", "Forms must be sent as application/x-www-form-urlencoded.")
    }
    let form: FormData
    do {
      form = try FormData(urlEncoded: request.body)
    } catch {
      throw PageError(400, "Bad request", error.message)
    }
    guard csrfTokens.checkCSRF(form["csrf"], for: context.csrfBinding) else {
      throw PageError(
        403, "Form expired",
        "This form is missing its security token or it has expired. Go back, reload the page and try again.")
    }
    return form
  }

  /// A required form field of at most `maximum` characters, or a 400 page naming it.
  func field(_ form: FormData, _ name: String, label: String, maximum: Int, required: Bool = true) throws -> String {
    let value = form[name] ?? ""
    guard value.count <= maximum else {
      throw PageError(400, "Bad request", "\(label) is too long (at most \(maximum) characters).")
    }
    if required && value.trimmingCharacters(in: .whitespaces).isEmpty {
      throw PageError(400, "Bad request", "\(label) is required.")
    }
    return value
  }

  /// The user acting in workspace `name`; 404 when it does not exist or the user is not a member.
  func memberWorkspace(_ name: String, user: User, peer: String) async throws -> SessionCaller {
    // Sequential statements rather than `try await` inside one `guard`: Swift 6.3.1's optimizer
    // crashes (coroutine splitting) on the combined form in release builds.
    let notFound = PageError(404, "Workspace not found", "You are not a member of a workspace with this name.")
    guard name.count <= 64 else { throw notFound }
    let found = try await backend.accounts.sessionCaller(user: user, workspaceName: name)
    guard var caller = found else { throw notFound }
    caller.peer = peer
    return caller
  }

  /// The owner acting in workspace `name`; other members get the 403 every owner-only page gives,
  /// naming `action` (what only owners can do).
  func ownerCaller(_ context: Context, _ name: String, user: User, action: String) async throws -> SessionCaller {
    let caller = try await memberWorkspace(name, user: user, peer: context.request.peer)
    guard caller.role == .owner else { throw Self.ownersOnly(caller.workspace, action: action) }
    return caller
  }

  /// The refusal of an owner-only page or form to another member.
  static func ownersOnly(_ workspace: Workspace, action: String) -> PageError {
    PageError(403, "Owners only", "Only owners of workspace \(workspace.name) can \(action).")
  }

  /// An error box for a form page, or nothing.
  static func errorNotice(_ message: String?) -> HTML {
    message.map { HTML.notice($0, kind: "error") } ?? ""
  }

  /// `path` when it is a safe local path (`/x`, not `//x` or `/\x`, no control characters), else `/`.
  /// Up to 4096 characters: an OAuth authorize request comes back through sign-in with its query.
  static func safeLocalPath(_ path: String?) -> String {
    guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.hasPrefix("/\\"), path.count <= 4096,
      !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" })
    else { return "/" }
    return path
  }

  static func percentEncode(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~/")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/"
  }

  /// Whether the public URL (the address browsers use) is `https`.
  var publicURLIsHTTPS: Bool {
    backend.dependencies.settings.publicURL.lowercased().hasPrefix("https://")
  }

  static func origin(of url: String) -> String? {
    guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
      return nil
    }
    let hostPart = host.contains(":") ? "[\(host)]" : host
    return components.port.map { "\(scheme)://\(hostPart):\($0)" } ?? "\(scheme)://\(hostPart)"
  }
}

/// A page that ends a request early: an error with a status, or a redirect.
struct PageError: Error {
  let status: Int
  let title: String
  let message: String
  var location: String?

  init(_ status: Int, _ title: String, _ message: String) {
    self.status = status
    self.title = title
    self.message = message
  }

  static func redirect(_ location: String) -> PageError {
    var error = PageError(303, "See other", "")
    error.location = location
    return error
  }

  func response(_ context: Dashboard.Context) -> HTTPResponse {
    if let location { return .redirect(to: location) }
    let body: HTML = "\(HTML.notice(message, kind: "error"))<p><a href=\"/\">Back to the dashboard</a></p>"
    return .html(status, HTML.page(title: title, body: body, user: context.user, csrf: context.csrf))
  }
}
