import Foundation

/// The proxy tokens page: list with the environments each is allowed in, create (the secret shown
/// once), allow in or take away from an environment, delete. Through `ProxyTokenService`, so the
/// role checks are the API's (changes need manager).
extension Dashboard {
  func proxyTokensPage(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    let tokens = try await serviceCall { () async throws(ServerError) in
      try await backend.proxyTokens.list(environmentName: nil, for: caller)
    }
    let environments = try await backend.dependencies.store.environments(workspaceID: caller.workspace.id)
    let names = Dictionary(environments.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    let base = "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/proxy-tokens"
    let options: [HTML] = environments.map { "<option value=\"\($0.name)\">\($0.name)</option>" }
    let rows: [HTML] = tokens.map { token in
      let allowed = token.scoped ? token.environmentIDs.map { names[$0] ?? $0.rawValue }.joined(separator: ", ") : "every environment"
      let action = "\(base)/\(token.id)"
      return """
        <tr><td>\(token.name)</td><td><code>\(token.id)</code></td><td>\(HTML.time(token.createdAt))</td>
        <td>\(token.createdByName)</td><td>\(allowed.isEmpty ? "none" : allowed)</td><td>
        <form class="inline" method="post" action="\(action)/environment">\(HTML.csrfField(context.csrf))\
        <select name="environment" aria-label="Environment">\(options)</select>\
        <button type="submit" name="change" value="allow">Allow</button>\
        <button type="submit" name="change" value="revoke">Revoke</button></form>
        <form class="inline" method="post" action="\(action)/delete">\(HTML.csrfField(context.csrf))\
        <button class="danger" type="submit">Delete</button></form></td></tr>
        """
    }
    let table: HTML =
      tokens.isEmpty
      ? "<p class=\"muted\">No proxy tokens yet.</p>"
      : """
      <table id="proxy-tokens"><tr><th>Name</th><th>Modal-Key</th><th>Created</th><th>Created by</th>
      <th>Allowed in</th><th></th></tr>\(rows)</table>
      """
    let body: HTML = """
      <p class="muted">Proxy tokens let a reverse proxy admit requests to web services (GET /proxy-auth). A new token
      works in every environment until it is allowed in one. Changes need the role manager.</p>
      \(table)
      <h2>New proxy token</h2>
      <form class="card" method="post" action="\(base)">
      \(HTML.csrfField(context.csrf))
      <label for="name">Name</label><input id="name" type="text" name="name" maxlength="\(TokenService.maximumNameLength)">
      <button type="submit" id="create-proxy-token">Create proxy token</button>
      </form>
      """
    return .html(
      200, HTML.page(title: "Proxy tokens · \(caller.workspace.name)", body: body, user: user, csrf: context.csrf))
  }

  func createProxyToken(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let form = try checkedForm(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    let name = try field(form, "name", label: "The name", maximum: TokenService.maximumNameLength, required: false)
    let (token, secret) = try await serviceCall { () async throws(ServerError) in
      try await backend.proxyTokens.create(name: name, scoped: false, by: caller)
    }
    let body: HTML = """
      \(HTML.notice("Copy the secret now: it is shown only this once and cannot be recovered.", kind: "warning"))
      <div class="card">
      <label>Modal-Key</label><span class="secret" id="proxy-key">\(token.id)</span>
      <label>Modal-Secret</label><span class="secret" id="proxy-secret">\(secret)</span>
      <p>Send both as request headers, or as <code>Authorization: Bearer \(token.id).…</code></p>
      </div>
      <p><a href="/workspaces/\(Self.percentEncode(caller.workspace.name))/proxy-tokens">Done</a></p>
      """
    var response = HTTPResponse.html(201, HTML.page(title: "Proxy token created", body: body, user: user, csrf: context.csrf))
    response.add("Pragma", "no-cache")
    return response
  }

  func changeProxyToken(_ context: Context, workspaceName: String, tokenID: String, change: String) async throws
    -> HTTPResponse
  {
    let (user, _) = try requireUser(context)
    let form = try checkedForm(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    let id = ProxyTokenID(rawValue: tokenID)
    let service = backend.proxyTokens
    if change == "delete" {
      try await serviceCall { () async throws(ServerError) in try await service.delete(id, by: caller) }
    } else {
      let name = try field(form, "environment", label: "The environment", maximum: 64)
      let allowed = form["change"] == "allow"
      try await serviceCall { () async throws(ServerError) in
        let environment = try await backend.environments.resolve(name, in: caller.workspace)
        try await service.setEnvironment(id, environment: environment.id, allowed: allowed, by: caller)
      }
    }
    return .redirect(to: "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/proxy-tokens")
  }

  /// Runs a service call, turning its refusals into pages (403, 404, 400, 409, 429); shared by the pages
  /// whose services throw `ServerError`.
  func serviceCall<T>(_ body: () async throws(ServerError) -> T) async throws -> T {
    do {
      return try await body()
    } catch {
      switch error.code {
      case .permissionDenied: throw PageError(403, "Not allowed", error.message)
      case .notFound: throw PageError(404, "Not found", error.message)
      case .invalidArgument: throw PageError(400, "Bad request", error.message)
      case .alreadyExists: throw PageError(409, "Already exists", error.message)
      default: throw PageError(Self.status(of: error), "The request could not be completed", error.message)
      }
    }
  }
}
