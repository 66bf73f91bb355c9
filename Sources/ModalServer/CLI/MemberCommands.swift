import CommandLineKit

/// `modal-server member …` and `modal-server service-user …`: workspace membership from the
/// command line, with the same rules as the dashboard's members page (an existing user is added;
/// a workspace always keeps an owner; removing a member or deleting a service user revokes its
/// tokens in that workspace at once).
enum MemberCommands {
  static let usage = """
    Usage: modal-server member list --data-dir DIR --workspace W [--json]
           modal-server member add --data-dir DIR --workspace W --email E [--role owner|manager|member]
           modal-server member set-role --data-dir DIR --workspace W --email E --role owner|manager|member
           modal-server member remove --data-dir DIR --workspace W --email E
           modal-server service-user list --data-dir DIR --workspace W [--json]
           modal-server service-user create --data-dir DIR --workspace W --name N [--role R] [--json]
           modal-server service-user delete --data-dir DIR --workspace W --name N

    member add        Adds an existing user (they sign up on the dashboard first) with a role (default member).
    member set-role   Changes a member's role; the last owner cannot stop being one.
    member remove     Removes a member and revokes their tokens in W; never the last owner.
    service-user create
                      Creates a service user with a role (default member) and its first token
                      (scope all), created by W's first owner; prints the token once.
    service-user delete
                      Deletes the service user and revokes its tokens.
    Every command also takes --database URL (default: $MODAL_SERVER_DATABASE_URL, else SQLite in DIR).

    """

  static let serviceUserName = Option<String>.required("--name", placeholder: "N", help: "The service user's name")

  /// `member list|add|set-role|remove`.
  static let memberGroup = ServerCommand(
    name: "member", abstract: "List, add, change the role of, or remove workspace members",
    subcommands: [
      command("list", options: [ServerOptions.json], run: listMembers),
      command("add", options: [ServerOptions.email, ServerOptions.role]) { try await changeMember("add", $0) },
      command("set-role", options: [ServerOptions.email, ServerOptions.role]) { try await changeMember("set-role", $0) },
      command("remove", options: [ServerOptions.email]) { try await changeMember("remove", $0) },
    ],
    helpText: usage)

  /// `service-user list|create|delete`.
  static let serviceUserGroup = ServerCommand(
    name: "service-user", abstract: "List, create or delete service users",
    subcommands: [
      command("list", options: [ServerOptions.json], run: listServiceUsers),
      command("create", options: [serviceUserName, ServerOptions.role, ServerOptions.json], run: createServiceUser),
      command("delete", options: [serviceUserName], run: deleteServiceUser),
    ],
    helpText: usage)

  /// A subcommand taking `--data-dir`, `--workspace` (both required, in that order), `options` and
  /// `--database`, with this file's usage as its help (other workspace groups pass their own).
  static func command(
    _ name: String, help: String = usage, options: [any CommandOption],
    run: @escaping @Sendable (ServerInvocation) async throws -> Void
  ) -> ServerCommand {
    CommandTree.command(
      name, help: help, options: [ServerOptions.dataDir, ServerOptions.workspace] + options + [ServerOptions.database],
      run: run)
  }

  /// Opens the store, finds the workspace, runs `body`, and closes the store whatever happens.
  static func withWorkspace<T>(
    _ parsed: ServerInvocation, _ body: (Backend, Workspace) async throws -> T
  ) async throws -> T {
    let opened = try await ServerCommandLine.open(
      dataDirectory: parsed[ServerOptions.dataDir], database: parsed[ServerOptions.database], create: false)
    let backend = Backend(dependencies: Dependencies(store: opened.store, keys: opened.keys))
    do {
      let result = try await body(backend, try await backend.accounts.workspace(name: parsed[ServerOptions.workspace]))
      await opened.store.close()
      return result
    } catch {
      await opened.store.close()
      throw error
    }
  }

  private static func role(_ parsed: ServerInvocation, default fallback: Role?) throws -> Role {
    guard let role = parsed[ServerOptions.role] ?? fallback else {
      throw CommandUsageError(message: "Missing option --role.", usage: usage)
    }
    return role
  }

  private static func listMembers(_ parsed: ServerInvocation) async throws {
    let output = parsed.output
    let members = try await withWorkspace(parsed) { backend, workspace in
      try await backend.accounts.members(of: workspace)
    }
    if parsed[ServerOptions.json] {
      for member in members {
        output.out(
          ServerCommandLine.json([
            "email": member.user.email, "user_id": member.user.id.rawValue, "role": member.membership.role.rawValue,
            "since": member.membership.createdAt.iso8601,
          ]))
      }
    } else {
      for member in members { output.out("\(member.user.email)  \(member.membership.role.rawValue)\n") }
    }
  }

  private static func changeMember(_ subcommand: String, _ parsed: ServerInvocation) async throws {
    let output = parsed.output
    let role = subcommand == "remove" ? nil : try role(parsed, default: subcommand == "add" ? .member : nil)
    try await withWorkspace(parsed) { backend, workspace in
      let user = try await backend.accounts.user(email: parsed[ServerOptions.email])
      switch subcommand {
      case "add":
        if try await backend.accounts.role(of: user, in: workspace) != nil {
          throw ServerError(
            .alreadyExists, "\(user.email) is already a member of '\(workspace.name)'; use `member set-role`.")
        }
        try await backend.accounts.setMembership(user: user, workspace: workspace, role: role ?? .member, by: .serverOperator)
        output.out("Added \(user.email) to '\(workspace.name)' as \((role ?? .member).rawValue).\n")
      case "set-role":
        try await backend.accounts.changeRole(of: user, in: workspace, to: role ?? .member, by: .serverOperator)
        output.out("\(user.email) is now \((role ?? .member).rawValue) of '\(workspace.name)'.\n")
      default:
        try await backend.accounts.removeMember(user, from: workspace, by: .serverOperator)
        output.out("Removed \(user.email) from '\(workspace.name)'; their tokens there are revoked.\n")
      }
    }
  }

  private static func listServiceUsers(_ parsed: ServerInvocation) async throws {
    let output = parsed.output
    let serviceUsers = try await withWorkspace(parsed) { backend, workspace in
      try await backend.accounts.serviceUsers(of: workspace)
    }
    for serviceUser in serviceUsers {
      if parsed[ServerOptions.json] {
        output.out(
          ServerCommandLine.json([
            "name": serviceUser.name, "id": serviceUser.id.rawValue, "role": serviceUser.role.rawValue,
            "created_at": serviceUser.createdAt.iso8601,
          ]))
      } else {
        output.out("\(serviceUser.name)  \(serviceUser.role.rawValue)  \(serviceUser.id)\n")
      }
    }
  }

  private static func createServiceUser(_ parsed: ServerInvocation) async throws {
    let output = parsed.output
    let role = try role(parsed, default: .member)
    try await withWorkspace(parsed) { backend, workspace in
      let owner = try await backend.accounts.firstOwner(of: workspace)
      let serviceUser = try await backend.accounts.createServiceUser(
        name: parsed[serviceUserName], role: role, workspace: workspace, createdBy: owner)
      let token = try await backend.tokens.issue(
        workspaceID: workspace.id, owner: .serviceUser(id: serviceUser.id), createdByUserID: owner.id,
        name: serviceUser.name,
        scopes: .all, lifetimeSeconds: nil, by: .serverOperator)
      if parsed[ServerOptions.json] {
        output.out(
          ServerCommandLine.json([
            "name": serviceUser.name, "id": serviceUser.id.rawValue, "role": role.rawValue, "token_id": token.id.rawValue,
            "token_secret": token.secret,
          ]))
      } else {
        output.out(
          """
          Created service user '\(serviceUser.name)' (\(role.rawValue)) in '\(workspace.name)'.
          token_id: \(token.id)
          token_secret: \(token.secret)

          """)
      }
    }
  }

  private static func deleteServiceUser(_ parsed: ServerInvocation) async throws {
    let output = parsed.output
    try await withWorkspace(parsed) { backend, workspace in
      try await backend.accounts.deleteServiceUser(parsed[serviceUserName], in: workspace)
      output.out(
        "Deleted service user '\(parsed[serviceUserName])' of '\(workspace.name)'; its tokens are revoked.\n")
    }
  }
}
