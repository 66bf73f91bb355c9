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

  /// Runs `member <subcommand>` or `service-user <subcommand>`.
  static func run(_ group: String, _ arguments: [String], output: ServerCommandLine.Output) async throws {
    let subcommand = arguments.first ?? ""
    let rest = Array(arguments.dropFirst())
    switch (group, subcommand) {
    case (_, "--help"), (_, "-h"): output.out(usage)
    case ("member", "list"): try await listMembers(rest, output: output)
    case ("member", "add"), ("member", "set-role"), ("member", "remove"):
      try await changeMember(subcommand, rest, output: output)
    case ("service-user", "list"): try await listServiceUsers(rest, output: output)
    case ("service-user", "create"): try await createServiceUser(rest, output: output)
    case ("service-user", "delete"): try await deleteServiceUser(rest, output: output)
    default: throw CommandUsageError(UsageError("Unknown \(group) command '\(subcommand)'."), usage: usage)
    }
  }

  /// Opens the store, finds the workspace, runs `body`, and closes the store whatever happens.
  private static func withWorkspace<T>(
    _ parsed: ParsedArguments, _ body: (Backend, Workspace) async throws -> T
  ) async throws -> T {
    let opened = try await ServerCommandLine.open(
      dataDirectory: parsed.required("--data-dir"), database: parsed["--database"], create: false)
    let backend = Backend(dependencies: Dependencies(store: opened.store, keys: opened.keys))
    do {
      let result = try await body(backend, try await backend.accounts.workspace(name: parsed.required("--workspace")))
      await opened.store.close()
      return result
    } catch {
      await opened.store.close()
      throw error
    }
  }

  private static func role(_ parsed: ParsedArguments, default fallback: Role?) throws -> Role {
    guard let text = parsed["--role"] else {
      guard let fallback else { throw CommandUsageError(UsageError("Missing option --role."), usage: usage) }
      return fallback
    }
    guard let role = Role(rawValue: text) else {
      throw CommandUsageError(UsageError("--role must be owner, manager or member, not '\(text)'."), usage: usage)
    }
    return role
  }

  private static func listMembers(_ arguments: [String], output: ServerCommandLine.Output) async throws {
    let spec = CommandSpec(
      valueOptions: ["--data-dir", "--workspace", "--database"], flags: ["--json"],
      required: ["--data-dir", "--workspace"])
    guard let parsed = try ServerCommandLine.parse(arguments, spec: spec, usage: usage, output: output) else { return }
    let members = try await withWorkspace(parsed) { backend, workspace in
      try await backend.accounts.members(of: workspace)
    }
    if parsed.has("--json") {
      for member in members {
        output.out(
          ServerCommandLine.json([
            "email": member.user.email, "user_id": member.user.id, "role": member.membership.role.rawValue,
            "since": member.membership.createdAt.iso8601,
          ]))
      }
    } else {
      for member in members { output.out("\(member.user.email)  \(member.membership.role.rawValue)\n") }
    }
  }

  private static func changeMember(_ subcommand: String, _ arguments: [String], output: ServerCommandLine.Output)
    async throws
  {
    let spec = CommandSpec(
      valueOptions: ["--data-dir", "--workspace", "--email", "--role", "--database"],
      required: ["--data-dir", "--workspace", "--email"])
    guard let parsed = try ServerCommandLine.parse(arguments, spec: spec, usage: usage, output: output) else { return }
    let role = subcommand == "remove" ? nil : try role(parsed, default: subcommand == "add" ? .member : nil)
    try await withWorkspace(parsed) { backend, workspace in
      let user = try await backend.accounts.user(email: parsed.required("--email"))
      switch subcommand {
      case "add":
        if try await backend.accounts.role(of: user, in: workspace) != nil {
          throw ServerError(
            .alreadyExists, "\(user.email) is already a member of '\(workspace.name)'; use `member set-role`.")
        }
        try await backend.accounts.setMembership(user: user, workspace: workspace, role: role ?? .member)
        output.out("Added \(user.email) to '\(workspace.name)' as \((role ?? .member).rawValue).\n")
      case "set-role":
        try await backend.accounts.changeRole(of: user, in: workspace, to: role ?? .member)
        output.out("\(user.email) is now \((role ?? .member).rawValue) of '\(workspace.name)'.\n")
      default:
        try await backend.accounts.removeMember(user, from: workspace)
        output.out("Removed \(user.email) from '\(workspace.name)'; their tokens there are revoked.\n")
      }
    }
  }

  private static func listServiceUsers(_ arguments: [String], output: ServerCommandLine.Output) async throws {
    let spec = CommandSpec(
      valueOptions: ["--data-dir", "--workspace", "--database"], flags: ["--json"],
      required: ["--data-dir", "--workspace"])
    guard let parsed = try ServerCommandLine.parse(arguments, spec: spec, usage: usage, output: output) else { return }
    let serviceUsers = try await withWorkspace(parsed) { backend, workspace in
      try await backend.accounts.serviceUsers(of: workspace)
    }
    for serviceUser in serviceUsers {
      if parsed.has("--json") {
        output.out(
          ServerCommandLine.json([
            "name": serviceUser.name, "id": serviceUser.id, "role": serviceUser.role.rawValue,
            "created_at": serviceUser.createdAt.iso8601,
          ]))
      } else {
        output.out("\(serviceUser.name)  \(serviceUser.role.rawValue)  \(serviceUser.id)\n")
      }
    }
  }

  private static func createServiceUser(_ arguments: [String], output: ServerCommandLine.Output) async throws {
    let spec = CommandSpec(
      valueOptions: ["--data-dir", "--workspace", "--name", "--role", "--database"], flags: ["--json"],
      required: ["--data-dir", "--workspace", "--name"])
    guard let parsed = try ServerCommandLine.parse(arguments, spec: spec, usage: usage, output: output) else { return }
    let role = try role(parsed, default: .member)
    try await withWorkspace(parsed) { backend, workspace in
      let owner = try await backend.accounts.firstOwner(of: workspace)
      let serviceUser = try await backend.accounts.createServiceUser(
        name: parsed.required("--name"), role: role, workspace: workspace, createdBy: owner)
      let token = try await backend.tokens.issue(
        workspaceID: workspace.id, owner: .serviceUser(id: serviceUser.id), createdByUserID: owner.id,
        name: serviceUser.name,
        scopes: .all, lifetimeSeconds: nil)
      if parsed.has("--json") {
        output.out(
          ServerCommandLine.json([
            "name": serviceUser.name, "id": serviceUser.id, "role": role.rawValue, "token_id": token.id,
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

  private static func deleteServiceUser(_ arguments: [String], output: ServerCommandLine.Output) async throws {
    let spec = CommandSpec(
      valueOptions: ["--data-dir", "--workspace", "--name", "--database"],
      required: ["--data-dir", "--workspace", "--name"])
    guard let parsed = try ServerCommandLine.parse(arguments, spec: spec, usage: usage, output: output) else { return }
    try await withWorkspace(parsed) { backend, workspace in
      try await backend.accounts.deleteServiceUser(parsed.required("--name"), in: workspace)
      output.out(
        "Deleted service user '\(parsed.required("--name"))' of '\(workspace.name)'; its tokens are revoked.\n")
    }
  }
}
