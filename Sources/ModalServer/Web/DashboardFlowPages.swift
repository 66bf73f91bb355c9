import Foundation

/// Approving `modal token new` / `modal setup` logins (RFC 8628's user side): code entry with
/// guess limits, the approval page with the requesting machine and a phishing warning, approval.
extension Dashboard {
  func codeEntryPage(_ context: Context, error: String?, status: Int) throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let body: HTML = """
      \(Self.errorNotice(error))
      <form class="card" method="post" action="/flow">
      \(HTML.csrfField(context.csrf))
      <label for="code">The code your command line shows</label>
      <input id="code" type="text" name="code" maxlength="64" placeholder="WDJB-MJHT" autocomplete="off" required autofocus>
      <button type="submit">Continue</button>
      </form>
      """
    return .html(status, HTML.page(title: "Approve a login", body: body, user: user, csrf: context.csrf))
  }

  /// Counts a code lookup for the account and for the session before it is made, and refuses
  /// (429) when either has guessed too many wrong codes. Counting first keeps concurrent guesses
  /// within the limit; a lookup that finds its code is taken back with `forget(_:)`.
  private func countGuess(_ context: Context, user: User) async throws -> [CountedAttempt] {
    let guesses = [
      try await codeGuesses.count("user:" + user.id.rawValue), try await codeGuesses.count("session:" + context.csrfBinding),
    ]
    if guesses.contains(where: { $0.lockedUntil != nil }) {
      throw PageError(
        429, "Too many wrong codes",
        "Too many wrong login codes were entered. Wait 10 minutes, then check the code your command line shows.")
    }
    return guesses
  }

  /// Takes back a counted lookup whose code existed.
  private func forget(_ guesses: [CountedAttempt]) async throws {
    for guess in guesses { try await codeGuesses.forget(guess) }
  }

  func enterCode(_ context: Context) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let form = try checkedForm(context)
    let typed = try field(form, "code", label: "The code", maximum: 64)
    let guesses = try await countGuess(context, user: user)
    guard let code = UserCode.normalize(typed),
      try await backend.flows.pendingFlow(code: code) != nil
    else {
      return try codeEntryPage(
        context,
        error: "No pending login has this code. Check it (8 letters, like WDJB-MJHT), or run `modal token new` again.",
        status: 404)
    }
    try await forget(guesses)
    return .redirect(to: "/flow/" + UserCode.display(code))
  }

  /// The flow with `code` if it is pending; 404 for unknown codes (counted as a guess), 410 for
  /// expired or used ones.
  private func pendingFlow(_ context: Context, user: User, code text: String) async throws -> TokenFlowRecord {
    let guesses = try await countGuess(context, user: user)
    guard let code = UserCode.normalize(text), let flow = try await backend.flows.newestFlow(code: code) else {
      throw PageError(
        404, "Unknown code",
        "No login has this code. Check the code your command line shows, or run `modal token new` again.")
    }
    try await forget(guesses)
    if flow.state != .pending {
      throw PageError(
        410, "Login already approved", "This login code was already used. Run `modal token new` again for a new one.")
    }
    if flow.expiresAt <= backend.dependencies.clock.now() {
      throw PageError(410, "Login expired", "This login code has expired. Run `modal token new` again for a new one.")
    }
    return flow
  }

  func approvalPage(_ context: Context, code: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let flow = try await pendingFlow(context, user: user, code: code)
    let options: [HTML] = try await backend.accounts.workspaces(of: user).map {
      "<option value=\"\($0.workspace.id)\">\($0.workspace.name)</option>"
    }
    guard !options.isEmpty else {
      throw PageError(
        403, "No workspace", "You are not a member of any workspace, so there is nothing to give access to.")
    }
    var machine: [HTML] = ["<tr><th>Requested</th><td>\(HTML.time(flow.createdAt))</td></tr>"]
    machine.append("<tr><th>Expires</th><td>\(HTML.time(flow.expiresAt))</td></tr>")
    if !flow.requestingNode.isEmpty { machine.append("<tr><th>Machine name</th><td>\(flow.requestingNode)</td></tr>") }
    if !flow.requestingPeer.isEmpty {
      machine.append("<tr><th>Network address</th><td>\(flow.requestingPeer)</td></tr>")
    }
    if flow.localhostPort > 0 { machine.append("<tr><th>Local helper port</th><td>\(flow.localhostPort)</td></tr>") }
    if !flow.utmSource.isEmpty { machine.append("<tr><th>Source</th><td>\(flow.utmSource)</td></tr>") }
    if let seconds = flow.tokenLifetimeSeconds {
      machine.append("<tr><th>Token lifetime</th><td>\(seconds) s</td></tr>")
    }
    let display = UserCode.display(flow.code)
    let warning = HTML.notice(
      "Approving gives this command line full access (scope all) to the workspace you choose, as you. "
        + "Only approve a login you started yourself, on a machine you trust. If someone sent you this link or code, do not approve it.",
      kind: "warning")
    let body: HTML = """
      <p>A command line asks for an API token. Compare this code with the one it shows:</p>
      <p class="code" id="code">\(display)</p>
      <table>\(machine)</table>
      \(warning)
      <form class="card" method="post" action="/flow/\(display)">
      \(HTML.csrfField(context.csrf))
      <label for="workspace">Workspace</label><select id="workspace" name="workspace">\(options)</select>
      <button type="submit" id="approve">Approve</button>
      </form>
      """
    return .html(200, HTML.page(title: "Approve this login?", body: body, user: user, csrf: context.csrf))
  }

  func approve(_ context: Context, code: String) async throws -> HTTPResponse {
    let (user, session) = try requireUser(context)
    let form = try checkedForm(context)
    let workspaceID = try field(form, "workspace", label: "The workspace", maximum: 64)
    let flow = try await pendingFlow(context, user: user, code: code)
    guard workspaceID.count <= 64,
      let workspace = try await backend.accounts.sessionCaller(user: user, workspaceID: WorkspaceID(rawValue: workspaceID))?.workspace
    else {
      throw PageError(403, "Not your workspace", "You are not a member of the chosen workspace.")
    }
    if let answer = try await freshSecondFactor(context, session: session, form: form, in: workspace) { return answer }
    let failure: ServerError?
    do {
      try await backend.flows.approve(code: flow.code, user: user, workspace: workspace, by: context.actor(user))
      failure = nil
    } catch {
      failure = error
    }
    if let failure {
      guard failure.code == .notFound else { throw failure }
      throw PageError(
        410, "Login no longer pending", "This login code was used or expired meanwhile. Run `modal token new` again.")
    }
    var next: HTML = ""
    if !flow.nextURL.isEmpty, Self.safeLocalPath(flow.nextURL) == flow.nextURL {
      next = "<p><a href=\"\(flow.nextURL)\">Continue</a></p>"
    }
    let body: HTML = """
      \(HTML.notice("The command line now has a token for workspace \(workspace.name).", kind: "ok"))
      <p id="done">You can close this tab and go back to your terminal.</p>
      \(next)
      """
    return .html(200, HTML.page(title: "Login approved", body: body, user: user, csrf: context.csrf))
  }
}
