import Foundation

/// The service users page: each service user with its token, expiry and role in every
/// environment; create one (its token shown once, optionally expiring), set its role in an
/// environment, delete it. Through `ServiceUserService`, so the checks are the API's (manager).
extension Dashboard {
  /// The lifetimes the create form offers, in seconds (0: never), with their labels.
  static let serviceUserLifetimes: [(seconds: Int64, label: String)] = [
    (0, "never"), (3600, "1 hour"), (86_400, "1 day"), (2_592_000, "30 days"), (31_536_000, "365 days"),
  ]

  func serviceUsersPage(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    let listings = try await serviceCall { () async throws(ServerError) in try await backend.serviceUsers.list(for: caller) }
    let base = "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/service-users"
    let rows: [HTML] = listings.map { serviceUserRow($0, base: base, csrf: context.csrf) }
    let table: HTML =
      listings.isEmpty
      ? "<p class=\"muted\">No service users yet.</p>"
      : """
      <table id="scoped-service-users"><tr><th>Name</th><th>Token id</th><th>Created by</th><th>Expires</th>
      <th>Environment roles</th><th></th></tr>\(rows)</table>
      """
    let lifetimes: [HTML] = Self.serviceUserLifetimes.map { "<option value=\"\($0.seconds)\">\($0.label)</option>" }
    let body: HTML = """
      <p class="muted">Service users are accounts for CI and automation. A new one has no access to any environment
      until a role is set there. Managing them needs the role manager.</p>
      \(table)
      <h2>New service user</h2>
      <form class="card" method="post" action="\(base)/create">
      \(HTML.csrfField(context.csrf))
      <label for="name">Name</label><input id="name" type="text" name="name" maxlength="63" required>
      <label for="expires">Token expires after</label><select id="expires" name="expires">\(lifetimes)</select>
      <button type="submit" id="create-service-user">Create service user</button>
      </form>
      """
    return .html(200, HTML.page(title: "Service users · \(caller.workspace.name)", body: body, user: user, csrf: context.csrf))
  }

  /// One row: the roles, a form to set one, and the delete button.
  private func serviceUserRow(_ listing: ServiceUserService.Listing, base: String, csrf: String) -> HTML {
    let roles = listing.environmentRoles.map { "\($0.environment.name): \($0.role.rawValue)" }.joined(separator: ", ")
    let environments: [HTML] = listing.environmentRoles.map { "<option value=\"\($0.environment.name)\">\($0.environment.name)</option>" }
    let choices: [HTML] = EnvironmentAccess.allCases.map { "<option value=\"\($0.rawValue)\">\($0.rawValue)</option>" }
    let action = "\(base)/\(Self.percentEncode(listing.serviceUser.name))"
    let expires: HTML = listing.token?.expiresAt.map { HTML.time($0) } ?? "never"
    return """
      <tr><td>\(listing.serviceUser.name)</td><td><code>\(listing.token?.id.rawValue ?? "—")</code></td>
      <td>\(listing.createdBy)</td><td>\(expires)</td><td>\(roles)</td><td>
      <form class="inline" method="post" action="\(action)/role">\(HTML.csrfField(csrf))\
      <select name="environment" aria-label="Environment">\(environments)</select>\
      <select name="role" aria-label="Role">\(choices)</select>\
      <button type="submit">Set role</button></form>
      <form class="inline" method="post" action="\(action)/remove">\(HTML.csrfField(csrf))\
      <button class="danger" type="submit">Delete</button></form></td></tr>
      """
  }

  func createScopedServiceUser(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let form = try checkedForm(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    let name = try field(form, "name", label: "The name", maximum: 63)
    guard let seconds = Int64(form["expires"] ?? "0"), Self.serviceUserLifetimes.contains(where: { $0.seconds == seconds })
    else { throw PageError(400, "Bad request", "Choose one of the offered lifetimes.") }
    let (_, issued) = try await serviceCall { () async throws(ServerError) in
      try await backend.serviceUsers.create(name: name, expiresInSeconds: seconds == 0 ? nil : seconds, by: caller)
    }
    return Self.secretPage(
      context, user: user, title: "Service user \(name) created", tokenID: issued.id, secret: issued.secret,
      back: "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/service-users")
  }

  func changeServiceUser(_ context: Context, workspaceName: String, serviceUserName: String, change: String)
    async throws -> HTTPResponse
  {
    let (user, _) = try requireUser(context)
    let form = try checkedForm(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    let name = serviceUserName.removingPercentEncoding ?? serviceUserName
    let service = backend.serviceUsers
    if change == "remove" {
      try await serviceCall { () async throws(ServerError) in try await service.delete(name, by: caller) }
    } else {
      let environmentName = try field(form, "environment", label: "The environment", maximum: 64)
      let roleText = try field(form, "role", label: "The role", maximum: 16)
      try await serviceCall { () async throws(ServerError) in
        let role = try EnvironmentAccess(parsing: roleText)
        let environment = try await backend.environments.resolve(environmentName, in: caller.workspace)
        try await service.setRole(role, of: name, in: environment, by: caller)
      }
    }
    return .redirect(to: "/workspaces/" + Self.percentEncode(caller.workspace.name) + "/service-users")
  }
}
