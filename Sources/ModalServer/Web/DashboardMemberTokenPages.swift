import Foundation

/// The member tokens page, for managers and owners: every token of the workspace with its state,
/// disable and enable per token, and "disable all" (as `modal workspace member-tokens
/// disable --all`). Through `TokenService`, so the checks are the API's.
extension Dashboard {
  func memberTokensPage(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    try await serviceCall(failure: "Could not list the member tokens") { () async throws(ServerError) in
      try caller.requireRole(.manager, for: "The member tokens page")
    }
    let listed = try await backend.tokens.listing(for: caller)
    let base = "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/member-tokens"
    let rows: [HTML] = listed.map { memberTokenRow($0.token, creator: $0.creatorEmail, base: base, csrf: context.csrf) }
    let table: HTML =
      listed.isEmpty
      ? "<p class=\"muted\">No tokens yet.</p>"
      : """
      <table id="member-tokens"><tr><th>Token id</th><th>Name</th><th>Created by</th><th>Created</th><th>Expires</th>
      <th>Last used</th><th>State</th><th></th></tr>\(rows)</table>
      """
    let body: HTML = """
      <p class="muted">Every API token of the workspace. A disabled token is refused until it is enabled again;
      deleting a token (on the tokens page) cannot be undone.</p>
      \(table)
      <form class="card" method="post" action="\(base)/disable-all">\(HTML.csrfField(context.csrf))
      <p>Stop every token of the workspace at once, yours included; dashboard sessions keep working.</p>
      <button class="danger" type="submit" id="disable-all">Disable all tokens</button></form>
      """
    return .html(
      200, HTML.page(title: "Member tokens · \(caller.workspace.name)", body: body, user: user, csrf: context.csrf))
  }

  /// One row: the token's state and the button that changes it (none for a deleted token).
  private func memberTokenRow(_ token: TokenRecord, creator: String?, base: String, csrf: String) -> HTML {
    let state: HTML
    var change = ""
    if let revoked = token.revokedAt {
      state = "deleted \(HTML.time(revoked))"
    } else if let disabled = token.disabledAt {
      (state, change) = ("disabled \(HTML.time(disabled))", "enable")
    } else if let expires = token.expiresAt, expires <= backend.dependencies.clock.now() {
      (state, change) = ("expired", "disable")
    } else {
      (state, change) = ("active", "disable")
    }
    let button: HTML =
      change.isEmpty
      ? ""
      : """
      <form class="inline" method="post" action="\(base)/\(token.id)/\(change)">\(HTML.csrfField(csrf))\
      <button\(raw: change == "disable" ? " class=\"danger\"" : "") type="submit">\(change.capitalized)</button></form>
      """
    return """
      <tr><td><code>\(token.id)</code></td><td>\(token.name.isEmpty ? "-" : token.name)</td>
      <td>\(creator ?? token.createdByUserID?.rawValue ?? "—")</td><td>\(HTML.time(token.createdAt))</td>
      <td>\(HTML.time(token.expiresAt))</td><td>\(HTML.time(token.lastUsedAt))</td><td>\(state)</td><td>\(button)</td></tr>
      """
  }

  /// `POST …/member-tokens/ID/disable|enable` and `POST …/member-tokens/disable-all`.
  func changeMemberTokens(_ context: Context, workspaceName: String, tokenID: String?, change: String) async throws
    -> HTTPResponse
  {
    let (user, _) = try requireUser(context)
    _ = try checkedForm(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    let tokens = backend.tokens
    try await serviceCall(failure: "Could not change the member tokens") { () async throws(ServerError) in
      try caller.requireRole(.manager, for: "The member tokens page")
      let ids: [TokenID]
      if let tokenID {
        ids = [TokenID(rawValue: tokenID)]
      } else {
        ids = try await tokens.listing(for: caller).map(\.token).filter { $0.revokedAt == nil && $0.disabledAt == nil }.map(\.id)
      }
      try await tokens.setDisabled(ids, disabled: change != "enable", by: caller)
    }
    return .redirect(to: "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/member-tokens")
  }
}
