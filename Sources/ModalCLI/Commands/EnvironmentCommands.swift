import CommandLineKit
import Modal
import ModalAPI
import ProtoWire

/// `modal environment list`: the workspace's environments and which one is active.
enum EnvironmentCommands {
  static let group = CommandSpec(
    name: "environment", abstract: "Create and interact with Environments.", subcommands: [list])

  static let list = CommandSpec(
    name: "list", abstract: "List all environments in the current workspace.",
    options: [CommonOptions.json]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let items = try await client.call(ModalClientMethods.environmentList, Empty()).items
    let configured = client.environmentName
    func isActive(_ item: EnvironmentListItem) -> Bool {
      configured.isEmpty ? item.default : item.name == configured
    }
    if invocation[CommonOptions.json] {
      let rows = items.map { item in
        JSONValue.object([("name", .string(item.name)), ("web suffix", .string(item.webhookSuffix)), ("active", .bool(isActive(item)))])
      }
      invocation.console.write(JSONValue.array(rows).rendered() + "\n")
      return 0
    }
    let rows = items.map { [$0.name, $0.webhookSuffix, isActive($0) ? "True" : "False"] }
    invocation.console.write(TableRenderer(columns: ["name", "web suffix", "active"], rows: rows, title: "Environments").rendered())
    return 0
  }

  /// The environment a command works in: `-e/--env`, else `MODAL_ENVIRONMENT`, else the profile's
  /// `environment`, else "" (the server's workspace default).
  static func environment(_ invocation: Invocation, client: ModalClient) -> String {
    invocation[CommonOptions.environment].flatMap { $0.isEmpty ? nil : $0 } ?? client.environmentName
  }
}
