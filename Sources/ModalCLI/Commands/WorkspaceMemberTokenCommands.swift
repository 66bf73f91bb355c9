import CommandLineKit
import Modal

/// `modal workspace member-tokens list|delete|disable|enable`, with Python 1.6.4's columns,
/// `--json` keys, confirmations and messages.
enum WorkspaceMemberTokenCommands {
  static let group = CommandSpec(
    name: "member-tokens", abstract: "Manage the API tokens of the current Workspace's members.", subcommands: [list, delete, disable, enable])

  static let tokenID = Argument<String>("TOKEN_ID")
  static let tokenIDs = Argument<[String]>("TOKEN_IDS")
  static let all = Flag("--all", help: "Disable all tokens you have access to.")
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

  static let disable = CommandSpec(
    name: "disable", abstract: "Disable member tokens in this Workspace.",
    discussion: """
      A token which is disabled cannot be used to authenticate with Modal. However, it can be re-enabled
      at any point using `modal workspace member-tokens enable`.

      You can pass the `--all` option to disable all of the tokens you have created. If you are a Manager
      or above, this will disable all the tokens in your Workspace.

      Examples:

        modal workspace member-tokens disable ak-0123456789abcdefghijkl
        modal workspace member-tokens disable ak-0123456789abcdefghijkl ak-mnopqrstuvwxyz01234567
        modal workspace member-tokens disable --all
      """,
    options: [all, CommonOptions.yes], arguments: [tokenIDs]
  ) { invocation in
    try requireTokens(invocation, allowsAll: true)
    let client = try await CLIClients.make(invocation)
    var ids = invocation[tokenIDs]
    // As Python: `--all` means every token the caller can see that is not disabled yet.
    if invocation[all] { ids = try await client.workspace.memberTokens.list().filter { !$0.disabled }.map(\.id) }
    ids = MemberTokens.unique(ids)
    let question =
      invocation[all]
      ? "Are you sure you want to disable all your tokens?" : "Are you sure you want to disable the specified token(s)?"
    guard Confirmation.confirm(invocation, question: question) else { return 1 }
    try await client.workspace.memberTokens.disable(ids)
    invocation.console.write("✓ Disabled \(count(ids)).\n")
    return 0
  }

  static let enable = CommandSpec(
    name: "enable", abstract: "Enable member tokens in this Workspace.",
    discussion: """
      This is the opposite operation to disabling a token - given a disabled token, this command will
      re-enable it, allowing it to authenticate with Modal.

      Examples:

        modal workspace member-tokens enable ak-0123456789abcdefghijkl
        modal workspace member-tokens enable ak-0123456789abcdefghijkl ak-mnopqrstuvwxyz01234567
      """,
    options: [CommonOptions.yes], arguments: [tokenIDs]
  ) { invocation in
    try requireTokens(invocation, allowsAll: false)
    guard Confirmation.confirm(invocation, question: "Are you sure you want to enable the specified token(s)?") else {
      return 1
    }
    let ids = MemberTokens.unique(invocation[tokenIDs])
    let client = try await CLIClients.make(invocation)
    try await client.workspace.memberTokens.enable(ids)
    invocation.console.write("✓ Enabled \(count(ids)).\n")
    return 0
  }

  /// Python shows the help (exit code 2) when no token is named; so do we, as a usage error.
  private static func requireTokens(_ invocation: Invocation, allowsAll: Bool) throws {
    guard invocation[tokenIDs].isEmpty, !(allowsAll && invocation[all]) else { return }
    throw UsageError(
      "Name at least one token id\(allowsAll ? " (or pass --all)" : "").", commandPath: invocation.commandPath)
  }

  /// "1 token", "3 tokens", as Python words it.
  private static func count(_ ids: [String]) -> String { "\(ids.count) \(ids.count == 1 ? "token" : "tokens")" }
}
