import CommandLineKit
import Modal

/// `modal environment list`: the workspace's environments and which one is active; and
/// `modal environment roles` (EnvironmentRoleCommands.swift).
enum EnvironmentCommands {
  static let group = CommandSpec(
    name: "environment", abstract: "Create and interact with Environments.",
    subcommands: [list, EnvironmentRoleCommands.group])

  static let list = CommandSpec(
    name: "list", abstract: "List all environments in the current workspace.",
    options: [CommonOptions.json]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let environments = try await client.environments.list()
    let configured = client.environmentName
    func isActive(_ environment: Environment) -> Bool {
      configured.isEmpty ? environment.isDefault : environment.name == configured
    }
    if invocation[CommonOptions.json] {
      let rows = environments.map { environment in
        JSONValue.object([
          ("name", .string(environment.name)), ("web suffix", .string(environment.webSuffix)), ("active", .bool(isActive(environment))),
        ])
      }
      invocation.console.write(JSONValue.array(rows).rendered() + "\n")
      return 0
    }
    let rows = environments.map { [$0.name, $0.webSuffix, isActive($0) ? "True" : "False"] }
    invocation.console.write(TableRenderer(columns: ["name", "web suffix", "active"], rows: rows, title: "Environments").rendered())
    return 0
  }

  /// The environment a command works in: `-e/--env`, else `MODAL_ENVIRONMENT`, else the profile's
  /// `environment`, else "" (the server's workspace default).
  static func environment(_ invocation: Invocation, client: ModalClient) -> String {
    invocation[CommonOptions.environment].flatMap { $0.isEmpty ? nil : $0 } ?? client.environmentName
  }
}
