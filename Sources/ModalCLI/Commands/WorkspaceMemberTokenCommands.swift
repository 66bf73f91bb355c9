import CommandLineKit
import Modal

/// `modal workspace member-tokens list|delete`, with Python 1.6.4's columns, `--json` keys and
/// confirmation.
enum WorkspaceMemberTokenCommands {
  static let group = CommandSpec(
    name: "member-tokens", abstract: "Manage the API tokens of the current Workspace's members.", subcommands: [list, delete])

  static let tokenID = Argument<String>("TOKEN_ID")
  static let allowMissing = Flag("--allow-missing", help: "Don't error if the Token doesn't exist.")

  static let list = CommandSpec(
    name: "list",
    abstract: "List Member Tokens in the Workspace. Workspace Managers and Owners can see all tokens in the Workspace.",
    options: [CommonOptions.json]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let tokens = try await client.workspace.memberTokens.list()
    if invocation[CommonOptions.json] {
      let rows = tokens.map { token in
        JSONValue.object([
          ("name", token.name.isEmpty ? .null : .string(token.name)), ("token_id", .string(token.id)),
          ("user_id", .string(token.memberID)), ("username", .string(token.memberName)),
          ("created_at", LocalTime.isoSeconds(token.createdAt)), ("last_used_at", LocalTime.isoSeconds(token.lastUsedAt)),
          ("expires_at", LocalTime.isoSeconds(token.expiresAt)), ("disabled", .bool(token.disabled)),
        ])
      }
      invocation.console.write(JSONValue.array(rows).rendered() + "\n")
      return 0
    }
    // Python adds the Disabled column only when a token is disabled.
    let showDisabled = tokens.contains(where: \.disabled)
    let rows = tokens.map { token in
      [
        token.id, token.name.isEmpty ? "-" : token.name, token.memberName, LocalTime.cell(token.createdAt),
        LocalTime.cell(token.expiresAt),
      ] + (showDisabled ? [token.disabled ? "True" : ""] : [])
    }
    let columns = ["Token ID", "Name", "Created By", "Created At", "Expires"] + (showDisabled ? ["Disabled"] : [])
    invocation.console.write(TableRenderer(columns: columns, rows: rows).rendered())
    return 0
  }

  static let delete = CommandSpec(
    name: "delete", abstract: "Delete a Member Token in this Workspace.",
    discussion: """
      Note that this action is irreversible. This will immediately invalidate the target token and will
      render it unable to authenticate with Modal.
      """,
    options: [allowMissing, CommonOptions.yes], arguments: [tokenID]
  ) { invocation in
    let id = invocation[tokenID]
    guard Confirmation.confirm(invocation, question: "Are you sure you want to irrevocably delete the Token '\(id)'?") else { return 1 }
    let client = try await CLIClients.make(invocation)
    try await client.workspace.memberTokens.delete(id, allowMissing: invocation[allowMissing])
    invocation.console.write("✓ Deleted Token `\(id)`.\n")
    return 0
  }
}
