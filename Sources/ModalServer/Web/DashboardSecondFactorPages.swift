import Foundation

/// The second sign-in step and the enrolment pages of second factors (`/account/security`).
extension Dashboard {
  /// The pending sign-in cookie's name (between a correct password and the second step).
  static let pendingCookieName = "modal_pending"

  /// After a correct password: a pending sign-in cookie and the second step, or a session.
  func afterPassword(_ context: Context, user: User, next: String) async throws -> HTTPResponse {
    guard try await backend.secondFactors.enrolment(of: user).any else {
      return try await startSession(context, user: user, next: next)
    }
    var response = HTTPResponse.redirect(to: "/login/second-factor?next=" + Self.percentEncode(next))
    response.add(
      "Set-Cookie",
      Cookies.make(
        name: Self.pendingCookieName, value: backend.secondFactors.pendingSignIn(for: user),
        maxAge: Int(SecondFactorService.pendingLifetime), secure: context.secureCookies))
    return response
  }

  private func pendingUser(_ context: Context) async throws -> User {
    let found = try await backend.secondFactors.pendingUser(context.request.cookies[Self.pendingCookieName])
    guard let user = found else { throw PageError.redirect("/login") }
    return user
  }

  func secondStepPage(_ context: Context, error: String?, status: Int) async throws -> HTTPResponse {
    let user = try await pendingUser(context)
    let next = Self.safeLocalPath(context.request.query["next"] ?? nil)
    let body: HTML = """
      \(Self.errorNotice(error))
      <p>Signing in as \(user.email). Enter the code from your authenticator app or a recovery code, or use a passkey.</p>
      <form class="card" method="post" action="/login/second-factor">
      \(HTML.csrfField(context.csrf))
      <input type="hidden" name="next" value="\(next)">
      <label for="code">Code</label><input id="code" type="text" name="code" maxlength="64" autocomplete="one-time-code">
      <button type="submit" id="verify">Verify</button>
      \(try await passkeyButton(for: user))
      </form>
      """
    return .html(status, HTML.page(title: "Second step", body: body))
  }

  func secondStep(_ context: Context) async throws -> HTTPResponse {
    let form = try checkedForm(context)
    let user = try await pendingUser(context)
    let next = Self.safeLocalPath(form["next"])
    if let passkey = try await checkPasskey(form, user: user) {
      guard passkey else {
        return try await secondStepPage(context, error: "The passkey was not accepted; try again.", status: 401)
      }
    } else {
      let code = try field(form, "code", label: "Code", maximum: 64)
      guard try await checkCode(code, user: user) else {
        return try await secondStepPage(context, error: "That code is not right, or it was used already.", status: 401)
      }
    }
    var response = try await startSession(context, user: user, next: next, secondFactor: true)
    response.add(
      "Set-Cookie", Cookies.make(name: Self.pendingCookieName, value: "", maxAge: 0, secure: context.secureCookies))
    return response
  }

  /// Checks a TOTP or recovery code under the per-user guess limit (5 in 10 minutes).
  func checkCode(_ code: String, user: User) async throws -> Bool {
    let key = "second-factor:" + user.id.rawValue
    let attempt = try await codeGuesses.count(key)
    if attempt.lockedUntil != nil {
      throw PageError(429, "Too many attempts", "Too many wrong codes for this account; wait ten minutes and try again.")
    }
    guard try await backend.secondFactors.verify(user: user, code: code) != nil else { return false }
    try await codeGuesses.forget(attempt)
    return true
  }

  // MARK: Enrolment

  func securityPage(_ context: Context, notice: HTML = "") async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let enrolment = try await backend.secondFactors.enrolment(of: user)
    let totp: HTML =
      enrolment.totp
      ? """
        <p>An authenticator app is set up (\(String(enrolment.recoveryCodesLeft)) recovery codes left).</p>
        <form class="card" method="post" action="/account/totp/remove">
        \(HTML.csrfField(context.csrf))
        <label for="remove-code">Current code or recovery code</label>
        <input id="remove-code" type="text" name="code" maxlength="64" autocomplete="one-time-code" required>
        <button type="submit" id="remove-totp">Remove the authenticator app</button>
        </form>
        """
      : "<p>No authenticator app yet. <a id=\"enrol-totp\" href=\"/account/totp\">Set one up</a>.</p>"
    let body: HTML = """
      \(notice)
      <h2>Authenticator app (TOTP)</h2>
      \(totp)
      \(try await passkeySection(context, user: user, passkeys: enrolment.passkeys))
      """
    return .html(200, HTML.page(title: "Security", body: body, user: user, csrf: context.csrf))
  }

  func totpEnrolmentPage(
    _ context: Context, secret: [UInt8]? = nil, error: String? = nil, status: Int = 200
  ) throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let secret = secret ?? SecondFactorService.newSecret()
    let uri = TOTP.provisioningURI(secret: secret, account: user.email, issuer: Self.issuer(backend))
    let body: HTML = """
      \(Self.errorNotice(error))
      <p>Add this key to an authenticator app, then enter the code it shows.</p>
      <p>Key: <code id="totp-secret">\(Base32.encode(secret))</code></p>
      <p>Or open: <code id="totp-uri">\(uri)</code></p>
      <form class="card" method="post" action="/account/totp">
      \(HTML.csrfField(context.csrf))
      <input type="hidden" name="enrolment" value="\(backend.secondFactors.sealForEnrolment(secret, user: user))">
      <label for="code">Code</label><input id="code" type="text" name="code" maxlength="16" autocomplete="one-time-code" required autofocus>
      <button type="submit" id="confirm-totp">Turn on</button>
      </form>
      """
    return .html(status, HTML.page(title: "Set up an authenticator app", body: body, user: user, csrf: context.csrf))
  }

  func enrolTOTP(_ context: Context) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let form = try checkedForm(context)
    let code = try field(form, "code", label: "Code", maximum: 16)
    guard let secret = backend.secondFactors.openEnrolment(form["enrolment"] ?? "", user: user) else {
      throw PageError(400, "Bad request", "This set-up form has expired; start again.")
    }
    let codes: [String]
    do {
      codes = try await backend.secondFactors.enrolTOTP(user: user, secret: secret, code: code, by: context.actor(user))
    } catch {
      return try totpEnrolmentPage(context, secret: secret, error: error.message, status: 400)
    }
    if let session = context.session { try await backend.sessions.markSecondFactor(session.id) }
    let items: [HTML] = codes.map { "<li><code>\($0)</code></li>" }
    let body: HTML = """
      \(HTML.notice("The authenticator app is on.", kind: "ok"))
      <p>Keep these recovery codes somewhere safe. Each works once, in place of a code; they are not shown again.</p>
      <ul id="recovery-codes">\(items)</ul>
      <p><a href="/account/security">Done</a></p>
      """
    return .html(200, HTML.page(title: "Recovery codes", body: body, user: user, csrf: context.csrf))
  }

  func removeTOTP(_ context: Context) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let form = try checkedForm(context)
    let code = try field(form, "code", label: "Code", maximum: 64)
    guard try await checkCode(code, user: user) else {
      throw PageError(403, "Not removed", "That is not a current code or an unused recovery code.")
    }
    try await backend.secondFactors.removeTOTP(user: user, by: context.actor(user))
    return try await securityPage(context, notice: HTML.notice("The authenticator app was removed.", kind: "ok"))
  }

  /// The name authenticator apps list the account under: the public URL's host.
  static func issuer(_ backend: Backend) -> String {
    URLComponents(string: backend.dependencies.settings.publicURL)?.host ?? "modal-server"
  }
}
