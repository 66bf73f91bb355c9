import Foundation

/// The federation page of a workspace, for owners and managers: its trust policies, a form to add
/// one (JWKS URL, pasted JWKS document, or discovery) and a button to remove each. Through
/// `FederationService`, the checks of `modal-server federation`.
extension Dashboard {
  /// The caller acting in `workspaceName`, refused with 403 below manager.
  private func federationCaller(_ context: Context, workspaceName: String) async throws -> (User, SessionCaller) {
    let (user, _) = try requireUser(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    try await serviceCall { () throws(ServerError) in try caller.requireRole(.manager, for: "The federation page") }
    return (user, caller)
  }

  func federationPage(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, caller) = try await federationCaller(context, workspaceName: workspaceName)
    let policies = try await serviceCall { () async throws(ServerError) in
      try await backend.federation.list(in: caller.workspace)
    }
    let base = "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/federation"
    let rows: [HTML] = policies.map { policy in
      let terms = policy.terms
      let claims = terms.conditions.map(\.description).joined(separator: ", ")
      return """
        <tr><td>\(terms.name)</td><td><code>\(terms.issuer)</code></td><td>\(terms.audience)</td>
        <td>\(terms.keys.summary)</td><td>\(claims.isEmpty ? "none" : claims)</td><td>\(terms.scopes.description)</td>
        <td>\(terms.environmentName ?? "default")</td><td>\(terms.lifetimeSeconds / 60) min</td>
        <td><form class="inline" method="post" action="\(base)/\(policy.id)/remove">\(HTML.csrfField(context.csrf))\
        <button class="danger" type="submit">Remove</button></form></td></tr>
        """
    }
    let table: HTML =
      policies.isEmpty
      ? "<p class=\"muted\">No federation policies yet.</p>"
      : """
      <table id="federation-policies"><tr><th>Name</th><th>Issuer</th><th>Audience</th><th>Keys</th><th>Claims</th>
      <th>Scopes</th><th>Environment</th><th>Lifetime</th><th></th></tr>\(rows)</table>
      """
    let body: HTML = """
      <p class="muted">A federation policy lets a CI job exchange the OIDC token its platform issues for a short-lived
      token of this workspace at <code>POST /oauth/token</code>, with no stored secret. Removing a policy revokes the
      tokens it minted.</p>
      \(table)
      <h2>New federation policy</h2>
      <form class="card" method="post" action="\(base)">
      \(HTML.csrfField(context.csrf))
      <label for="name">Name</label><input id="name" type="text" name="name" required maxlength="\(FederationService.maximumNameLength)">
      <label for="issuer">Issuer URL</label><input id="issuer" type="url" name="issuer" required placeholder="https://token.actions.githubusercontent.com">
      <label for="audience">Audience</label><input id="audience" type="text" name="audience" required>
      <label for="jwks_url">JWKS URL (empty: OpenID discovery from the issuer)</label><input id="jwks_url" type="url" name="jwks_url">
      <label for="jwks">Or the JWKS document itself</label><textarea id="jwks" name="jwks" rows="3"></textarea>
      <label for="claims">Claim conditions, one KEY=PATTERN a line (* and ? are globs)</label><textarea id="claims" name="claims" rows="3"></textarea>
      <label for="scopes">Scopes</label><input id="scopes" type="text" name="scopes" value="read">
      <label for="environment">Environment (empty: the default)</label><input id="environment" type="text" name="environment">
      <label for="ttl">Token lifetime in minutes (1 to 720)</label><input id="ttl" type="number" name="ttl" min="1" max="720" value="15">
      <button type="submit" id="add-federation-policy">Add policy</button>
      </form>
      """
    return .html(
      200, HTML.page(title: "Federation · \(caller.workspace.name)", body: body, user: user, csrf: context.csrf))
  }

  func addFederationPolicy(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let form = try checkedForm(context)
    let (user, caller) = try await federationCaller(context, workspaceName: workspaceName)
    let terms = try await serviceCall { () throws(ServerError) in try Self.federationTerms(form) }
    _ = try await serviceCall { () async throws(ServerError) in
      try await backend.federation.add(terms, in: caller.workspace, creator: user, by: caller.auditActor)
    }
    return .redirect(to: "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/federation")
  }

  func removeFederationPolicy(_ context: Context, workspaceName: String, policyID: String) async throws -> HTTPResponse {
    _ = try checkedForm(context)
    let (_, caller) = try await federationCaller(context, workspaceName: workspaceName)
    try await serviceCall { () async throws(ServerError) in
      try await backend.federation.remove(policyID, in: caller.workspace, by: caller.auditActor)
    }
    return .redirect(to: "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/federation")
  }

  /// The policy the form asks for (the service checks the rest).
  static func federationTerms(_ form: FormData) throws(ServerError) -> FederationPolicy.Terms {
    let text = { (name: String) in (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
    let keys: FederationKeySource
    switch (text("jwks_url"), text("jwks")) {
    case ("", ""): keys = .discovery
    case (let url, ""): keys = .url(url)
    case ("", let document): keys = .document(document)
    default: throw ServerError(.invalidArgument, "Give a JWKS URL or a JWKS document, not both.")
    }
    var conditions: [ClaimCondition] = []
    for line in text("claims").split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
      conditions.append(try ClaimCondition(parsing: line.trimmingCharacters(in: .whitespaces)))
    }
    guard let minutes = Int64(text("ttl").isEmpty ? "15" : text("ttl")), (1...720).contains(minutes) else {
      throw ServerError(.invalidArgument, "The token lifetime is a whole number of minutes from 1 to 720.")
    }
    return FederationPolicy.Terms(
      name: text("name"), issuer: text("issuer"), audience: text("audience"), keys: keys, conditions: conditions,
      scopes: try ScopeSet(parsing: text("scopes").isEmpty ? "read" : text("scopes")),
      environmentName: text("environment").isEmpty ? nil : text("environment"), lifetimeSeconds: minutes * 60)
  }
}
