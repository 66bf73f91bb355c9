import Foundation

/// The workspace settings page (`/workspaces/W/settings`: whether a second factor is required) and
/// the check that asks for a current code before an approval or a new token where it is.
extension Dashboard {
  /// The form field that carries a TOTP or recovery code on the page asking for one.
  static let freshCodeField = "second_factor_code"

  func settingsPage(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    let required = try await backend.secondFactors.isRequired(in: caller.workspace)
    let base = "/workspaces/" + Self.percentEncode(caller.workspace.name)
    let state: HTML =
      required
      ? "<p id=\"requirement\">A second factor is required to approve a login or create a token in this workspace.</p>"
      : "<p id=\"requirement\">A second factor is not required to approve a login or create a token in this workspace.</p>"
    let form: HTML =
      caller.role == .owner
      ? """
        <form class="card" method="post" action="\(base)/settings">
        \(HTML.csrfField(context.csrf))
        <label><input type="checkbox" name="require_second_factor" value="on"\(raw: required ? " checked" : "")> \
        Require a second factor, proved in the last 10 minutes, to approve a <code>modal setup</code> login or create a token</label>
        <button type="submit" id="save-settings">Save</button>
        </form>
        """
      : "<p class=\"muted\">Only owners can change the settings.</p>"
    let body: HTML = """
      \(state)
      <p class="muted">The second factor is an authenticator app (TOTP) or one of its recovery codes; each member sets it up at
      <a href="/account/security">Security</a>.</p>
      \(form)
      """
    let title = "Settings · \(caller.workspace.name)"
    return .html(200, HTML.page(title: title, body: body, user: user, csrf: context.csrf))
  }

  func saveSettings(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, session) = try requireUser(context)
    let form = try checkedForm(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    if caller.role == .owner, let answer = try await freshSecondFactor(context, session: session, form: form, in: caller.workspace) {
      // Turning the requirement off needs what it protects: a stolen session alone cannot.
      return answer
    }
    do {
      try await backend.secondFactors.setRequired(form["require_second_factor"] == "on", by: caller)
    } catch {
      throw PageError(error.code == .permissionDenied ? 403 : Self.status(of: error), "Not changed", error.message)
    }
    return .redirect(to: "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/settings")
  }

  /// `nil` when the action may go on: `workspace` does not require a second factor, the session
  /// proved one within `SecondFactorService.freshness`, or the form carries a right code (the
  /// session is then marked again). Otherwise the page to answer with: the form again asking for
  /// a code (401), or, for a user without an authenticator app, where to set one up (403).
  func freshSecondFactor(
    _ context: Context, session: SessionService.Session, form: FormData, in workspace: Workspace
  ) async throws -> HTTPResponse? {
    let factors = backend.secondFactors
    guard try await factors.isRequired(in: workspace), !factors.isFresh(session.secondFactorAt) else { return nil }
    guard try await factors.enrolment(of: session.user).any else {
      let body: HTML = """
        \(HTML.notice("Workspace \(workspace.name) requires a second factor for this, and you have none set up.", kind: "error"))
        <p id="enrol">Set up an authenticator app at <a href="/account/security">/account/security</a>, then try again.</p>
        """
      return .html(403, HTML.page(title: "Second factor required", body: body, user: session.user, csrf: context.csrf))
    }
    var error: String?
    if let passkey = try await checkPasskey(form, user: session.user) {
      if passkey {
        try await backend.sessions.markSecondFactor(session.id)
        return nil
      }
      return try await freshCodePage(context, user: session.user, form: form, workspace: workspace, error: "The passkey was not accepted.")
    }
    let typed = try field(form, Self.freshCodeField, label: "The code", maximum: 64, required: false)
    if !typed.trimmingCharacters(in: .whitespaces).isEmpty {
      if try await checkCode(typed, user: session.user) {
        try await backend.sessions.markSecondFactor(session.id)
        return nil
      }
      error = "That code is not right, or it was used already."
    }
    return try await freshCodePage(context, user: session.user, form: form, workspace: workspace, error: error)
  }

  /// The submitted form again (its fields hidden) with a field for a current code.
  private func freshCodePage(_ context: Context, user: User, form: FormData, workspace: Workspace, error: String?) async throws
    -> HTTPResponse
  {
    let kept: [HTML] = form.fields.filter {
      $0.name != "csrf" && $0.name != Self.freshCodeField && !$0.name.hasPrefix("webauthn_")
    }.map {
      "<input type=\"hidden\" name=\"\($0.name)\" value=\"\($0.value)\">"
    }
    let body: HTML = """
      \(Self.errorNotice(error))
      <p>Workspace \(workspace.name) requires a second factor proved in the last 10 minutes.
      Enter the code from your authenticator app or a recovery code, or use a passkey, to go on.</p>
      <form class="card" method="post" action="\(Self.safeLocalPath(context.request.path))">
      \(HTML.csrfField(context.csrf))
      \(kept)
      <label for="fresh-code">Code</label><input id="fresh-code" type="text" name="\(Self.freshCodeField)" maxlength="64" autocomplete="one-time-code" autofocus>
      <button type="submit" id="confirm-code">Continue</button>
      \(try await passkeyButton(for: user))
      </form>
      """
    return .html(401, HTML.page(title: "Confirm with a second factor", body: body, user: context.user, csrf: context.csrf))
  }
}
