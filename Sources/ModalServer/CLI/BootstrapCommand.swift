import CommandLineKit
import Foundation

/// `modal-server bootstrap`: the first user, workspace and token.
enum BootstrapCommand {
  static let usage = """
    Usage: modal-server bootstrap --data-dir DIR --email E --workspace W [--password-file F] [--database URL] [--json]

    Creates a user, a workspace they own (with environment `main`) and a token with scope `all`,
    and prints the token's id and secret (shown only this once). Fails, changing nothing, if the
    email or the workspace exists already.

    Options:
      --data-dir DIR        The data folder (created if missing, mode 0700)
      --email E             The user's email address
      --workspace W         The workspace name (2-63 lower-case letters, digits and dashes)
      --password-file F     Read the user's dashboard password from F (first line)
      --json                Print {"token_id": …, "token_secret": …, …} instead of text
      --database URL        postgres://… (shared by replicas) or sqlite:PATH (default: $MODAL_SERVER_DATABASE_URL,
                            else the SQLite file in the data folder)

    """

  static let passwordFile = Option<String?>(
    "--password-file", placeholder: "F", help: "Read the user's dashboard password from F (first line)")

  static let command = CommandTree.command(
    "bootstrap", help: usage,
    options: [
      ServerOptions.dataDir, ServerOptions.email, ServerOptions.workspace, passwordFile, ServerOptions.database,
      ServerOptions.json,
    ],
    run: run)

  static func run(_ parsed: ServerInvocation) async throws {
    let output = parsed.output
    var password: String?
    if let file = parsed[passwordFile] {
      guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
        throw ServerError(.failedPrecondition, "Could not read the password file \(file).")
      }
      // The first line without its ending, which may be "\n", "\r\n" (one Character) or "\r".
      password = String(text.prefix { !$0.isNewline })
    }
    let opened = try await ServerCommandLine.open(dataDirectory: parsed[ServerOptions.dataDir], database: parsed[ServerOptions.database], create: true)
    let (store, keys) = (opened.store, opened.keys)
    let backend = Backend(dependencies: Dependencies(store: store, keys: keys))
    let result = try await backend.accounts.bootstrap(
      email: parsed[ServerOptions.email], workspaceName: parsed[ServerOptions.workspace], password: password)
    await store.close()
    if parsed[ServerOptions.json] {
      output.out(
        ServerCommandLine.json([
          "token_id": result.token.id.rawValue, "token_secret": result.token.secret, "user_id": result.user.id.rawValue,
          "email": result.user.email, "workspace_id": result.workspace.id.rawValue, "workspace": result.workspace.name,
        ]))
    } else {
      output.out(
        """
        Created user \(result.user.email), workspace '\(result.workspace.name)' (environment main) and a token with scope all.
        token_id: \(result.token.id)
        token_secret: \(result.token.secret)
        The secret is shown only now. Use it with `modal token set --token-id \(result.token.id) --token-secret …`.

        """)
    }
  }
}
