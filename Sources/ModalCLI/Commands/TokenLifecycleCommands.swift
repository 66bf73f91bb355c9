import CommandLineKit
import Modal
import ModalAPI
import ProtoWire

/// `modal token list` (TokensList) and `modal token revoke` (TokenDelete).
enum TokenLifecycleCommands {
  static let list = CommandSpec(
    name: "list", abstract: "List the tokens of your workspace that you may see.",
    discussion: "Members see their own tokens; workspace owners see every token of the workspace.",
    options: [CommonOptions.json]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let tokens = try await client.call(ModalClientMethods.tokensList, Empty()).tokens
      .sorted { $0.createdAt > $1.createdAt }
    let current = (try await client.credentials()).tokenID
    let columns = ["Token ID", "Name", "Member", "Created at", "Last used at", "Status", "Current"]
    if invocation[CommonOptions.json] {
      let items = tokens.map { token in
        JSONValue.object([
          ("token_id", .string(token.tokenID)), ("name", .string(token.name)),
          ("member", .string(token.memberDisplayname)), ("member_id", .string(token.memberID.isEmpty ? token.userID : token.memberID)),
          ("created_at", LocalTime.json(token.createdAt)), ("last_used_at", LocalTime.json(token.lastUsedAt)),
          ("status", .string(status(token))), ("current", .bool(token.tokenID == current)),
        ])
      }
      invocation.console.write(JSONValue.array(items).rendered() + "\n")
      return 0
    }
    let rows = tokens.map { token in
      [
        token.tokenID, token.name, token.memberDisplayname, LocalTime.cell(token.createdAt),
        LocalTime.cell(token.lastUsedAt), status(token), token.tokenID == current ? "•" : "",
      ]
    }
    invocation.console.write(TableRenderer(columns: columns, rows: rows, title: "Tokens").rendered())
    return 0
  }

  /// `active`, or `expired` or `revoked` for a token the server marks disabled.
  private static func status(_ token: TokensListResponse.Token) -> String {
    guard token.disabled else { return "active" }
    return (token.expiresAt ?? .infinity) <= TokenChecks.now() ? "expired" : "revoked"
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
    var request = TokenDeleteRequest()
    request.tokenID = target
    _ = try await client.call(ModalClientMethods.tokenDelete, request)
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
