import CommandLineKit
import Modal

/// `modal workspace service-users create|list|delete|info|set-role`, with Python 1.6.4's
/// arguments, options, confirmation, output and `--json` keys.
enum ServiceUserCommands {
  static let group = CommandSpec(
    name: "service-users", abstract: "Manage Service Users. Must be workspace manager or owner.",
    discussion: """
      Service users are programmatic accounts that allow automated systems to interact with Modal. They're
      ideal for CI/CD pipelines, automated deployments, and other workflows that need to authenticate.

      Service User credentials are typically made available to a process as environment variables:

        export MODAL_TOKEN_ID=your-token-id
        export MODAL_TOKEN_SECRET=your-token-secret

      A newly created Service User has no permissions by default. In order to interact with a specific
      Environment, Service Users must be granted explicit permissions (`set-role`).
      """,
    subcommands: [create, list, delete, info, setRole])

  static let name = Argument<String>("NAME")
  static let allowMissing = Flag("--allow-missing", help: "Don't error if the Service User doesn't exist.")
  static let expiresIn = Option<UInt32?>(
    "--expires-in", placeholder: "TEXT",
    help: "Expiration time. Accepts integers (interpreted as seconds), as well as values suffixed by `s`, `m`, `h`, or `d`.",
    transform: expiresInSeconds)

  /// Python's reading of `--expires-in`: an integer of seconds, or a duration such as `1h`.
  @Sendable static func expiresInSeconds(_ text: String) throws(InvalidValue) -> UInt32 {
    let positive = InvalidValue("Value passed to `--expires-in` must be a positive integer.")
    if let seconds = Int64(text) {
      guard seconds > 0 else { throw positive }
      guard seconds <= Int64(UInt32.max) else { throw InvalidValue("Value passed to `--expires-in` is too large.") }
      return UInt32(seconds)
    }
    do {
      return try ExpiresIn.seconds(text)
    } catch {
      throw InvalidValue("Invalid duration: '\(text)'")
    }
  }

  static let create = CommandSpec(
    name: "create", abstract: "Create a Service User in this workspace.",
    discussion: """
      In order to run this command, you must have at least Manager level permissions in the Workspace.

      By default, Service Users have no permissions. To grant the Service User permissions in an
      environment, use `modal workspace service-users set-role` or `modal environment roles update`.
      With `--expires-in`, its token stops working after that long.

      Examples:

        modal workspace service-users create test-1
        modal workspace service-users create test-2 --expires-in 3600
        modal workspace service-users create test-3 --expires-in 1h
        modal workspace service-users create test-4 --expires-in 365d --json
      """,
    options: [expiresIn, CommonOptions.json], arguments: [name]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let lifetime = invocation[expiresIn]
    let created = try await client.workspace.serviceUsers.create(invocation[name], expiresIn: lifetime)
    let expiresAt = lifetime == nil ? nil : created.expiresAt
    if invocation[CommonOptions.json] {
      let object = JSONValue.object([
        ("token_id", .string(created.tokenID)), ("token_secret", .string(created.tokenSecret)),
        ("expires_at", LocalTime.isoSeconds(expiresAt)),
      ])
      invocation.console.write(object.rendered() + "\n")
      return 0
    }
    var text = "✓ Successfully created Service User \(invocation[name])"
    if let expiresAt { text += ", expiring at \(LocalTime.cell(expiresAt))" }
    text += ".\n\nTo use it, set the following environment variables in your program:\n\n"
    text += " export MODAL_TOKEN_ID=\(created.tokenID)\n export MODAL_TOKEN_SECRET=\(created.tokenSecret)\n\n"
    text += "⚠ This is the only time you will be able to see the Token Secret.\n"
    invocation.console.write(text)
    return 0
  }

  /// The `--json` object of a service user, with Python's keys in Python's order.
  static func json(_ user: ServiceUserInfo) -> JSONValue {
    .object([
      ("name", .string(user.name)), ("service_user_id", .string(user.serviceUserID)), ("token_id", .string(user.tokenID)),
      ("created_by", .string(user.createdBy)), ("created_at", LocalTime.isoSeconds(user.createdAt)),
      ("last_used_at", LocalTime.isoSeconds(user.lastUsedAt)), ("expires_at", LocalTime.isoSeconds(user.expiresAt)),
      ("environment_roles", .object(user.environmentRoles.map { ($0.name, .string($0.role)) })),
    ])
  }

  static let list = CommandSpec(
    name: "list", abstract: "List all Service Users in this workspace.",
    discussion: """
      In order to run this command, you must have at least Manager level permissions in the Workspace.

      Examples:

        modal workspace service-users list
        modal workspace service-users list --json
      """,
    options: [CommonOptions.json]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let users = try await client.workspace.serviceUsers.list()
    if invocation[CommonOptions.json] {
      invocation.console.write(JSONValue.array(users.map(json)).rendered() + "\n")
      return 0
    }
    let rows = users.map { [$0.name, $0.tokenID, $0.createdBy, LocalTime.cell($0.expiresAt)] }
    invocation.console.write(TableRenderer(columns: ["Name", "Token ID", "Created By", "Expires"], rows: rows).rendered())
    return 0
  }

  static let delete = CommandSpec(
    name: "delete", abstract: "Delete a Service User in this Workspace.",
    discussion: """
      Note that this action is irreversible. Any existing processes / scripts that use the credentials
      associated with the target Service User will stop being able to authenticate with Modal.

        modal workspace service-users delete test-service-user
      """,
    options: [allowMissing, CommonOptions.yes], arguments: [name]
  ) { invocation in
    let target = invocation[name]
    let question = "Are you sure you want to irrevocably delete the Service User '\(target)' and its associated credentials?"
    guard Confirmation.confirm(invocation, question: question) else { return 1 }
    let client = try await CLIClients.make(invocation)
    try await client.workspace.serviceUsers.delete(target, allowMissing: invocation[allowMissing])
    invocation.console.write("✓ Deleted Service User `\(target)`.\n")
    return 0
  }

  static let info = CommandSpec(
    name: "info", abstract: "Inspect a Service User in this workspace.",
    discussion: """
      Examples:

        modal workspace service-users info test-service-user
        modal workspace service-users info test-service-user-2 --json
      """,
    options: [CommonOptions.json], arguments: [name]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let user = try await client.workspace.serviceUsers.info(invocation[name])
    if invocation[CommonOptions.json] {
      invocation.console.write(json(user).rendered() + "\n")
      return 0
    }
    var rows = [
      ["Name:", user.name], ["Service User ID:", user.serviceUserID], ["Token ID:", user.tokenID],
      ["Created By:", user.createdBy], ["Created At:", LocalTime.cell(user.createdAt)],
      ["Last Used:", LocalTime.cell(user.lastUsedAt)], ["Expires:", LocalTime.cell(user.expiresAt)],
    ]
    let access = user.environmentRoles.filter { $0.role != "no-access" }
    if access.isEmpty {
      invocation.console.write("\n  ⚠ This Service User does not have access to any Environments.\n")
    } else {
      rows += [["", ""], ["Environment Access:", ""]] + access.map { ["  \($0.name)", capitalized($0.role)] }
    }
    invocation.console.write(TableRenderer(columns: ["", ""], rows: rows, showHeader: false, rightAligned: [1]).rendered())
    return 0
  }

  static let serviceUserName = Argument<String>("SERVICE_USER_NAME")
  static let environmentName = Argument<String>("ENVIRONMENT_NAME")
  static let role = Argument<String>("ROLE")

  static let setRole = CommandSpec(
    name: "set-role", abstract: "Update a Service User's role in a specific Environment.",
    discussion: """
      Examples:

        modal workspace service-users set-role test-service-user main contributor
        modal workspace service-users set-role test-service-user prod no-access
      """,
    arguments: [serviceUserName, environmentName, role]
  ) { invocation in
    let (user, environment, text) = (invocation[serviceUserName], invocation[environmentName], invocation[role])
    let client = try await CLIClients.make(invocation)
    let existing = try await client.workspace.serviceUsers.info(user).environmentRoles
      .first { $0.name == environment }?.role ?? "no-access"
    // Sent as typed: the server names the roles it knows, as it does for Python.
    try await client.workspace.serviceUsers.setRole(user, environment: environment, roleText: text)
    let message: String
    if text == existing {
      message =
        text == "no-access"
        ? "Service User \(user) does not have access to Environment \(environment) already. Role was not updated."
        : "Service User \(user) is already a \(capitalized(text)) in Environment \(environment). Role was not updated."
    } else if text == "no-access" {
      message = "✓ Revoked Service User \(user)'s access to Environment \(environment)."
    } else {
      message = "✓ Updated Service User \(user)'s role in Environment \(environment) to \(capitalized(text))."
    }
    invocation.console.write(message + "\n")
    return 0
  }

  /// Python's `str.capitalize()` of a role name (`no-access` → `No-access`).
  static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst().lowercased() }
}
