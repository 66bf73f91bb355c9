import CommandLineKit

/// `modal-server flow approve`.
enum FlowCommands {
  static let usage = """
    Usage: modal-server flow approve --data-dir DIR --code CODE --email E [--workspace W] [--database URL]

    Approves the pending login flow with CODE (as `modal token new` prints it, e.g. WDJB-MJHT) for
    the user E in workspace W (default: the user's only workspace). A running `modal-server serve`
    on the same data folder hands the new token to the waiting CLI at once; with --database URL
    (or $MODAL_SERVER_DATABASE_URL) pointing at PostgreSQL, every replica does.

    """

  static let code = Option<String>.required("--code", placeholder: "CODE", help: "The code `modal token new` prints")
  static let workspace = Option<String?>("--workspace", placeholder: "W", help: "The workspace (default: the user's only one)")

  static let group = ServerCommand(
    name: "flow", abstract: "Approve a pending `modal token new` login flow",
    subcommands: [
      CommandTree.command(
        "approve", help: usage,
        options: [ServerOptions.dataDir, code, ServerOptions.email, workspace, ServerOptions.database], run: approve)
    ],
    helpText: usage)

  static func approve(_ parsed: ServerInvocation) async throws {
    let output = parsed.output
    let dataDirectory = parsed[ServerOptions.dataDir]
    let opened = try await ServerCommandLine.open(dataDirectory: dataDirectory, database: parsed[ServerOptions.database], create: false)
    let (store, keys) = (opened.store, opened.keys)
    let backend = Backend(dependencies: Dependencies(store: store, keys: keys))
    let flow = try await backend.approveFlow(
      code: parsed[code], email: parsed[ServerOptions.email], workspaceName: parsed[workspace])
    await store.close()
    let workspace = parsed[workspace].map { " in workspace '\($0)'" } ?? ""
    output.out("Approved login flow \(UserCode.display(flow.code)) for \(parsed[ServerOptions.email])\(workspace).\n")
  }
}
