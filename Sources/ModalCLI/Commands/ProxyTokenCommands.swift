import CommandLineKit
import Modal
import TextSearch

/// `modal workspace proxy-tokens list|create|update|allow|revoke|delete`, with Python 1.6.4's
/// arguments, options, output and `--json` keys.
enum ProxyTokenCommands {
  static let group = CommandSpec(
    name: "proxy-tokens", abstract: "Manage the proxy tokens of the current Workspace.",
    discussion: """
      Proxy tokens authenticate requests to web services behind a reverse proxy that asks
      modal-server's GET /proxy-auth (Modal: Endpoints, Servers and Web Functions).

      Proxy tokens and secrets have `wk-` and `ws-` prefixes, respectively. They cannot be
      interchanged with API tokens (which use `ak-` and `as-` prefixes).

      They are passed as request headers, either as a key / secret pair:

        Modal-Key: wk-123
        Modal-Secret: ws-456

      Or as a single Bearer token:

        Authorization: Bearer wk-123.ws-456

      A new token works in every environment; once allowed in one (`allow`), it works only in
      the environments it is allowed in. Changing tokens needs the role manager.
      """,
    subcommands: [list, create, update, allow, revoke, delete])

  static let environment = Option<String?>(
    "--environment", short: "-e", placeholder: "TEXT",
    help: "Only list tokens associated with this environment. Lists all tokens when omitted.")
  static let name = Option<String>("--name", placeholder: "TEXT", default: "", help: "Name to help identify the token.") {
    $0
  }
  static let tokenID = Argument<String>("TOKEN_ID", help: "The proxy token (wk-…).")
  static let setting = Argument<String>("SETTING", help: "The setting to change: name.")
  static let value = Argument<String>("VALUE", help: "The new value (an empty name removes it).")
  static let environmentName = Argument<String>("ENVIRONMENT_NAME", help: "The environment.")

  static let list = CommandSpec(
    name: "list", abstract: "List the proxy tokens of the current Workspace.",
    discussion: """
      Examples:

        modal workspace proxy-tokens list
        modal workspace proxy-tokens list --environment prod
        modal workspace proxy-tokens list --json
      """,
    options: [environment, CommonOptions.json]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let tokens = try await client.workspace.proxyTokens.list(environment: invocation[environment])
    let columns = ["Name", "Token ID", "Created at", "Created by", "Scoped"]
    if invocation[CommonOptions.json] {
      let rows = tokens.map { token in
        JSONValue.object([
          ("name", .string(token.name)), ("token_id", .string(token.id)),
          ("created_at", LocalTime.isoSeconds(token.createdAt)), ("created_by", .string(token.createdBy)),
          ("scoped", .bool(token.scoped)),
        ])
      }
      invocation.console.write(JSONValue.array(rows).rendered() + "\n")
      return 0
    }
    let rows = tokens.map { token in
      [token.name, token.id, LocalTime.cell(token.createdAt), token.createdBy, token.scoped ? "True" : "False"]
    }
    invocation.console.write(TableRenderer(columns: columns, rows: rows).rendered())
    return 0
  }

  static let create = CommandSpec(
    name: "create", abstract: "Create a proxy token in the current Workspace.",
    discussion: """
      The new token's ID and secret will be printed to stdout. The secret is only
      shown at creation time and cannot be retrieved later.

      Examples:

        modal workspace proxy-tokens create --name production-webhooks
        modal workspace proxy-tokens create --json
      """,
    options: [name, CommonOptions.json]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let token = try await client.workspace.proxyTokens.create(name: invocation[name])
    if invocation[CommonOptions.json] {
      let object = JSONValue.object([
        ("Modal-Key", .string(token.id)), ("Modal-Secret", .string(token.secret)), ("Authorization", .string(token.bearer)),
      ])
      invocation.console.write(object.rendered() + "\n")
      return 0
    }
    let lines = ["Modal-Key: \(token.id)\nModal-Secret: \(token.secret)", "Authorization: \(token.bearer)"]
    let width = lines.flatMap { $0.split(separator: "\n") }.map(\.count).max() ?? 0
    let rule = String(repeating: "─", count: width + 2) + "\n"
    invocation.console.write(rule + lines.map { $0.split(separator: "\n").map { " \($0)\n" }.joined() }.joined(separator: rule) + rule)
    return 0
  }

  static let update = CommandSpec(
    name: "update", abstract: "Update a proxy token in the current Workspace.",
    discussion: """
      The following settings can be updated:

      - `name`: A name to help identify the token. Pass an empty value to remove it.

      Example:

        modal workspace proxy-tokens update wk-123 name production-webhooks
      """,
    arguments: [tokenID, setting, value]
  ) { invocation in
    let id = invocation[tokenID]
    guard invocation[setting] == "name" else {
      throw UsageError(
        "Unknown proxy token setting \(pythonRepr(invocation[setting])). Supported settings: name.",
        commandPath: invocation.commandPath)
    }
    let client = try await CLIClients.make(invocation)
    try await client.workspace.proxyTokens.update(id, name: invocation[value])
    invocation.console.write("✓ Updated proxy token \(pythonRepr(id))\n")
    return 0
  }

  static let allow = CommandSpec(
    name: "allow", abstract: "Allow a proxy token to authenticate to an environment.",
    discussion: "Example:\n\n  modal workspace proxy-tokens allow wk-123 prod",
    arguments: [tokenID, environmentName]
  ) { invocation in
    let (id, environment) = (invocation[tokenID], invocation[environmentName])
    let client = try await CLIClients.make(invocation)
    try await client.workspace.proxyTokens.allow(id, environment: environment)
    invocation.console.write(
      "✓ Allowed proxy token \(pythonRepr(id)) to authenticate to environment \(pythonRepr(environment))\n")
    return 0
  }

  static let revoke = CommandSpec(
    name: "revoke", abstract: "Revoke a proxy token's access to an environment.",
    discussion: "Example:\n\n  modal workspace proxy-tokens revoke wk-123 prod",
    arguments: [tokenID, environmentName]
  ) { invocation in
    let (id, environment) = (invocation[tokenID], invocation[environmentName])
    let client = try await CLIClients.make(invocation)
    try await client.workspace.proxyTokens.revoke(id, environment: environment)
    invocation.console.write("✓ Revoked proxy token \(pythonRepr(id)) access to environment \(pythonRepr(environment))\n")
    return 0
  }

  static let delete = CommandSpec(
    name: "delete", abstract: "Delete a proxy token from the current Workspace.",
    discussion: "Example:\n\n  modal workspace proxy-tokens delete wk-123",
    options: [CommonOptions.yes],
    arguments: [tokenID]
  ) { invocation in
    let id = invocation[tokenID]
    let question =
      "Are you sure you want to delete proxy token \(pythonRepr(id))? Requests using this token will be rejected."
    guard Confirmation.confirm(invocation, question: question) else { return 1 }
    let client = try await CLIClients.make(invocation)
    try await client.workspace.proxyTokens.delete(id)
    invocation.console.write("✓ Deleted proxy token \(pythonRepr(id))\n")
    return 0
  }

  /// A string as Python's `repr` prints it in these messages: single quotes, or double quotes
  /// when it holds a single quote and no double quote.
  static func pythonRepr(_ text: String) -> String {
    if text.contains("'") && !text.contains("\"") { return "\"\(text.replacing(text: "\\", with: "\\\\"))\"" }
    let escaped = text.replacing(text: "\\", with: "\\\\").replacing(text: "'", with: "\\'")
    return "'\(escaped)'"
  }
}
