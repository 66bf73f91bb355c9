import Foundation

/// The members page: members and roles, service users; owners add, change and remove them.
extension Dashboard {
  func membersPage(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let caller = try await memberWorkspace(workspaceName, user: user, peer: context.request.peer)
    let workspace = caller.workspace
    let base = "/workspaces/" + Self.percentEncode(workspace.name)
    let isOwner = caller.role == .owner
    let rows = try await backend.accounts.members(of: workspace).map {
      memberRow($0, base: base, csrf: isOwner ? context.csrf : nil)
    }
    let serviceRows = try await backend.accounts.serviceUsersWithCreators(of: workspace).map {
      serviceUserRow($0, base: base, csrf: isOwner ? context.csrf : nil)
    }
    let serviceTable: HTML =
      serviceRows.isEmpty
      ? "<p class=\"muted\">No service users.</p>"
      : "<table id=\"service-users\"><tr><th>Name</th><th>Id</th><th>Role</th><th>Created by</th><th>Created</th><th></th></tr>\(serviceRows)</table>"
    let forms: HTML =
      isOwner
      ? ownerForms(base: base, csrf: context.csrf)
      : "<p class=\"muted\">Only owners can change members and service users.</p>"
    let body: HTML = """
      <table id="members"><tr><th>Member</th><th>Role</th><th>Since</th><th></th></tr>\(rows)</table>\
      <h2>Service users</h2>\(serviceTable)\(forms)
      """
    return .html(200, HTML.page(title: "Members · \(workspace.name)", body: body, user: user, csrf: context.csrf))
  }

  /// The `<option>`s of the three roles, `selected` marked.
  private static func roleOptions(selected: Role) -> [HTML] {
    Role.allCases.map {
      "<option value=\"\($0.rawValue)\"\(raw: $0 == selected ? " selected" : "")>\($0.rawValue)</option>"
    }
  }

  /// One row of the members table; with `csrf` (an owner looks) its role and remove forms.
  private func memberRow(_ member: AccountService.Member, base: String, csrf: String?) -> HTML {
    let membership = member.membership
    var actions: HTML = ""
    if let csrf {
      let id = membership.userID
      actions = """
        <form class="inline" method="post" action="\(base)/members/\(id)/role">\(HTML.csrfField(csrf))\
        <select name="role">\(Self.roleOptions(selected: membership.role))</select> <button type="submit">Change</button></form>
        <form class="inline" method="post" action="\(base)/members/\(id)/remove">\(HTML.csrfField(csrf))\
        <button class="danger" type="submit">Remove</button></form>
        """
    }
    return
      "<tr><td>\(member.user.email)</td><td>\(membership.role.rawValue)</td><td>\(HTML.time(membership.createdAt))</td><td>\(actions)</td></tr>"
  }

  /// One row of the service users table; with `csrf` (an owner looks) its delete form.
  private func serviceUserRow(_ listed: ServiceUserWithCreator, base: String, csrf: String?) -> HTML {
    let serviceUser = listed.serviceUser
    var delete: HTML = ""
    if let csrf {
      delete = """
        <form class="inline" method="post" action="\(base)/service-users/\(serviceUser.id)/delete">\
        \(HTML.csrfField(csrf))<button class="danger" type="submit">Delete</button></form>
        """
    }
    return """
      <tr><td>\(serviceUser.name)</td><td><code>\(serviceUser.id)</code></td><td>\(serviceUser.role.rawValue)</td>
      <td>\(listed.creatorEmail ?? "—")</td><td>\(HTML.time(serviceUser.createdAt))</td><td>\(delete)</td></tr>
      """
  }

  /// The owner's forms: add a member, create a service user.
  private func ownerForms(base: String, csrf: String) -> HTML {
    let roleOptions = Self.roleOptions(selected: .member)
    return """
      <h2>Add a member</h2>
      <form class="card" method="post" action="\(base)/members">\(HTML.csrfField(csrf))
      <label for="email">Email of an existing user</label><input id="email" type="email" name="email" maxlength="254" required>
      <label for="role">Role</label><select id="role" name="role">\(roleOptions)</select>
      <button type="submit">Add</button></form>
      <h2>New service user</h2>
      <form class="card" method="post" action="\(base)/service-users">\(HTML.csrfField(csrf))
      <label for="su-name">Name</label><input id="su-name" type="text" name="name" maxlength="64" required>
      <label for="su-role">Role</label><select id="su-role" name="role">\(roleOptions)</select>
      <p class="muted">It gets a first token with scope <code>all</code>, shown once.</p>
      <button type="submit">Create</button></form>
      """
  }

  /// The workspace, for an owner's POST; 403 for other members.
  private func ownerWorkspace(_ context: Context, _ name: String) async throws -> (User, Workspace, FormData) {
    let (user, _) = try requireUser(context)
    let form = try checkedForm(context)
    let caller = try await memberWorkspace(name, user: user, peer: context.request.peer)
    let workspace = caller.workspace
    guard caller.role == .owner else { throw Self.ownersOnly(workspace, action: "change members and service users") }
    return (user, workspace, form)
  }

  private func role(_ form: FormData) throws -> Role {
    guard let text = form["role"], let role = Role(rawValue: text) else {
      throw PageError(400, "Bad request", "Choose a role: member, manager or owner.")
    }
    return role
  }

  private func membersRedirect(_ workspace: Workspace) -> HTTPResponse {
    .redirect(to: "/workspaces/" + Self.percentEncode(workspace.name) + "/members")
  }

  func addMember(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, workspace, form) = try await ownerWorkspace(context, workspaceName)
    let email = try field(form, "email", label: "The email", maximum: 254)
    let role = try role(form)
    let member: User
    do {
      member = try await backend.accounts.user(email: email)
    } catch {
      // A malformed address and an unknown one get the same page.
      guard error.code == .notFound || error.code == .invalidArgument else { throw error }
      throw PageError(404, "No such user", "No user has this email; they must sign up first.")
    }
    if try await backend.accounts.role(of: member, in: workspace) != nil {
      throw PageError(409, "Already a member", "\(member.email) is already a member; change their role in the list.")
    }
    try await backend.accounts.setMembership(user: member, workspace: workspace, role: role, by: context.actor(user))
    return membersRedirect(workspace)
  }

  func changeRole(_ context: Context, workspaceName: String, userID: String) async throws -> HTTPResponse {
    let (user, workspace, form) = try await ownerWorkspace(context, workspaceName)
    let role = try role(form)
    let member = try await memberUser(userID)
    do {
      try await backend.accounts.changeRole(of: member, in: workspace, to: role, by: context.actor(user))
    } catch {
      throw Self.membershipPageError(error)
    }
    return membersRedirect(workspace)
  }

  func removeMember(_ context: Context, workspaceName: String, userID: String) async throws -> HTTPResponse {
    let (user, workspace, _) = try await ownerWorkspace(context, workspaceName)
    let member = try await memberUser(userID)
    do {
      try await backend.accounts.removeMember(member, from: workspace, by: context.actor(user))
    } catch {
      throw Self.membershipPageError(error)
    }
    return membersRedirect(workspace)
  }

  private func memberUser(_ userID: String) async throws -> User {
    let notMember = PageError(404, "Not a member", "This user is not a member of the workspace.")
    guard userID.count <= 64 else { throw notMember }
    // Two statements, not `guard let … = try await` on a typed-throws call: Swift 6.3's optimizer
    // crashed splitting that coroutine in release builds.
    let member = try await backend.accounts.user(id: UserID(rawValue: userID))
    guard let member else { throw notMember }
    return member
  }

  /// 404 for a non-member, 409 for the last owner (decided in the store, so concurrent changes on
  /// several replicas cannot leave a workspace without an owner).
  private static func membershipPageError(_ error: ServerError) -> PageError {
    switch error.code {
    case .notFound: PageError(404, "Not a member", "This user is not a member of the workspace.")
    case .failedPrecondition:
      PageError(409, "The last owner", "A workspace needs at least one owner; make someone else an owner first.")
    default: PageError(500, "Could not change the membership", error.message)
    }
  }

  func createServiceUser(_ context: Context, workspaceName: String) async throws -> HTTPResponse {
    let (user, workspace, form) = try await ownerWorkspace(context, workspaceName)
    let name = try field(form, "name", label: "The name", maximum: 64)
    let role = try role(form)
    let issued: IssuedToken
    do {
      let serviceUser = try await backend.accounts.createServiceUser(
        name: name, role: role, workspace: workspace, createdBy: user)
      issued = try await backend.tokens.issue(
        workspaceID: workspace.id, owner: .serviceUser(id: serviceUser.id), createdByUserID: user.id, name: name,
        scopes: .all, lifetimeSeconds: nil, by: context.actor(user))
    } catch {
      let status = error.code == .alreadyExists ? 409 : error.code == .invalidArgument ? 400 : Self.status(of: error)
      throw PageError(status, "Could not create the service user", error.message)
    }
    return Self.secretPage(
      context, user: user, title: "Service user \(name) created", tokenID: issued.id, secret: issued.secret,
      back: "/workspaces/" + Self.percentEncode(workspace.name) + "/members")
  }

  func deleteServiceUser(_ context: Context, workspaceName: String, serviceUserID: String) async throws -> HTTPResponse
  {
    let (_, workspace, _) = try await ownerWorkspace(context, workspaceName)
    guard serviceUserID.count <= 64 else {
      throw PageError(404, "No such service user", "This workspace has no such service user.")
    }
    do {
      try await backend.accounts.deleteServiceUser(serviceUserID, in: workspace)
    } catch {
      guard error.code == .notFound else { throw error }
      throw PageError(404, "No such service user", "This workspace has no such service user.")
    }
    return membersRedirect(workspace)
  }
}
