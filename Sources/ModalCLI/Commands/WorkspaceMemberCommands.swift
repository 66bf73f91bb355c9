import CommandLineKit
import Modal

/// `modal workspace members list`, with Python 1.6.4's columns and `--json` keys.
enum WorkspaceMemberCommands {
  static let group = CommandSpec(
    name: "members", abstract: "View the members of the current Workspace.", subcommands: [list])

  static let list = CommandSpec(
    name: "list", abstract: "List the members of the current Workspace.", options: [CommonOptions.json]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let members = try await client.workspace.members.list()
    if invocation[CommonOptions.json] {
      let rows = members.map { member in
        JSONValue.object([
          ("name", .string(member.name)), ("email", .string(member.email)), ("role", .string(member.role.rawValue)),
          ("user_id", .string(member.userID)), ("joined", LocalTime.isoSeconds(member.joinedAt)),
          ("last_active", LocalTime.isoSeconds(member.lastActiveAt)),
        ])
      }
      invocation.console.write(JSONValue.array(rows).rendered() + "\n")
      return 0
    }
    let rows = members.map { member in
      [
        member.name, member.email, member.role.rawValue, member.userID, LocalTime.cell(member.joinedAt),
        LocalTime.cell(member.lastActiveAt),
      ]
    }
    let columns = ["Name", "Email", "Role", "User ID", "Joined", "Last active"]
    invocation.console.write(TableRenderer(columns: columns, rows: rows).rendered())
    return 0
  }
}
