import CommandLineKit
import Modal

/// `modal token list` (TokensList) and `modal token revoke` (TokenDelete).
enum TokenLifecycleCommands {
  static let list = CommandSpec(
    name: "list", abstract: "List the tokens of your workspace that you may see.",
    discussion: "Members see their own tokens; workspace managers and owners see every token of the workspace.",
    options: [CommonOptions.json]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let tokens = try await client.tokens.list()
    let current = (try await client.credentials()).tokenID
    let now = UnixTime(seconds: TokenChecks.now())
    let columns = ["Token ID", "Name", "Member", "Created at", "Last used at", "Status", "Current"]
    if invocation[CommonOptions.json] {
      let items = tokens.map { token in
        JSONValue.object([
          ("token_id", .string(token.id)), ("name", .string(token.name)),
          ("member", .string(token.memberName)), ("member_id", .string(token.memberID)),
          ("created_at", LocalTime.json(token.createdAt)), ("last_used_at", LocalTime.json(token.lastUsedAt)),
          ("status", .string(token.status(now: now).rawValue)), ("current", .bool(token.id == current)),
        ])
      }
      invocation.console.write(JSONValue.array(items).rendered() + "\n")
      return 0
    }
    let rows = tokens.map { token in
      [
        token.id, token.name, token.memberName, LocalTime.cell(token.createdAt),
        LocalTime.cell(token.lastUsedAt), token.status(now: now).rawValue, token.id == current ? "•" : "",
      ]
    }
    invocation.console.write(TableRenderer(columns: columns, rows: rows, title: "Tokens").rendered())
    return 0
  }

  static let tokenID = Argument<String?>("TOKEN_ID", help: "The token to revoke (ak-…).")

  static let revoke = CommandSpec(
    name: "revoke", abstract: "Revoke a token at once; without TOKEN_ID, the token in use.",
    discussion: """
      Revoking the token in use logs this machine out: run `modal setup` to log in again, or
      `modal token rotate` to replace a token without a gap.
      """,
    options: [CommonOptions.yes, CommonOptions.json],
    arguments: [tokenID]
  ) { invocation in
    let given = invocation[tokenID]
    if let given { try TokenValidation.checkTokenID(given) }
    let client = try await CLIClients.make(invocation)
    let current = (try await client.credentials()).tokenID
    let target = given ?? current
    let isCurrent = target == current
    let question = isCurrent
      ? "Are you sure you want to irrevocably revoke the token in use, \(target) (from \((try await client.credentials()).source))?"
      : "Are you sure you want to irrevocably revoke the token \(target)?"
    guard Confirmation.confirm(invocation, question: question) else { return 1 }
    try await client.tokens.revoke(target)
    if invocation[CommonOptions.json] {
      invocation.console.write(
        JSONValue.object([("token_id", .string(target)), ("revoked", .bool(true)), ("current", .bool(isCurrent))]).rendered() + "\n")
    } else {
      invocation.console.write("Token \(target) has been revoked.\n")
      if isCurrent {
        invocation.console.write("It was the token in use; run `modal setup` to log in again.\n")
      }
    }
    return 0
  }
}
