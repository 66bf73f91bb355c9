import CommandLineKit
import Modal

/// `modal environment roles list|update`, with Python 1.6.4's arguments, options, output and
/// `--json` keys.
enum EnvironmentRoleCommands {
  static let group = CommandSpec(
    name: "roles", abstract: "Manage the Environment Roles of users and service users.",
    discussion: """
      An Environment Role is one of 'contributor' (read-write), 'viewer' (read-only), or
      'no-access', and dictates access to Environments. Where none is assigned, members are
      viewers and managers and owners contributors; service users have no access.
      """,
    subcommands: [list, update])

  static let environment = Argument<String>("ENVIRONMENT")
  static let principal = Argument<String>("PRINCIPAL")
  static let excludeDefault = Flag("--exclude-default", help: "Only list roles that are directly assigned")
  static let serviceUser = Flag("--service-user", help: "Treat PRINCIPAL as the name of a service user")
  static let role = Option<EnvironmentRoleName>.required("--role", placeholder: "[contributor|viewer|no-access]", help: "Role to assign") {
    text throws(InvalidValue) in
    guard let role = EnvironmentRoleName(rawValue: text) else {
      throw InvalidValue("Invalid value for '--role': '\(text)' is not one of 'contributor', 'viewer', 'no-access'.")
    }
    return role
  }

  static let list = CommandSpec(
    name: "list", abstract: "List the roles of each user and service user in an Environment.",
    options: [excludeDefault, CommonOptions.json], arguments: [environment]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let roles = try await client.environments.roles(invocation[environment]).list(excludeDefault: invocation[excludeDefault])
    if invocation[CommonOptions.json] {
      // Python prints the API's shape: users and service users, each a name-to-role object.
      let object = JSONValue.object([
        ("users", .object(roles.users.map { ($0.name, .string($0.role)) })),
        ("service_users", .object(roles.serviceUsers.map { ($0.name, .string($0.role)) })),
      ])
      invocation.console.write(object.rendered() + "\n")
      return 0
    }
    let rows = (roles.users.map { [$0.name, $0.role] } + roles.serviceUsers.map { ["\($0.name) (service user)", $0.role] })
      .sorted { $0[0] < $1[0] }
    invocation.console.write(TableRenderer(columns: ["name", "role"], rows: rows, box: .heavyHead).rendered())
    return 0
  }

  static let update = CommandSpec(
    name: "update", abstract: "Update a user's or service user's role in an Environment.",
    options: [role, serviceUser], arguments: [environment, principal]
  ) { invocation in
    let (name, wanted, target) = (invocation[principal], invocation[role], invocation[environment])
    let client = try await CLIClients.make(invocation)
    let roles = client.environments.roles(target)
    let isServiceUser = invocation[serviceUser]
    if isServiceUser {
      try await roles.update(serviceUsers: [name: wanted])
    } else {
      try await roles.update(users: [name: wanted])
    }
    let kind = isServiceUser ? "service user" : "user"
    invocation.console.write(
      "✓ Set \(kind) \(ProxyTokenCommands.pythonRepr(name)) to role \(ProxyTokenCommands.pythonRepr(wanted.rawValue)) "
        + "in environment \(ProxyTokenCommands.pythonRepr(target))\n")
    return 0
  }
}
