/// `modal-server flow approve`.
enum FlowCommands {
  static let usage = """
    Usage: modal-server flow approve --data-dir DIR --code CODE --email E [--workspace W] [--database URL]

    Approves the pending login flow with CODE (as `modal token new` prints it, e.g. WDJB-MJHT) for
    the user E in workspace W (default: the user's only workspace). A running `modal-server serve`
    on the same data folder hands the new token to the waiting CLI at once; with --database URL
    (or $MODAL_SERVER_DATABASE_URL) pointing at PostgreSQL, every replica does.

    """

  static func approve(_ arguments: [String], output: ServerCommandLine.Output) async throws {
    let spec = CommandSpec(
      valueOptions: ["--data-dir", "--code", "--email", "--workspace", "--database"],
      required: ["--data-dir", "--code", "--email"])
    guard let parsed = try ServerCommandLine.parse(arguments, spec: spec, usage: usage, output: output) else { return }
    let dataDirectory = parsed.required("--data-dir")
    let opened = try await ServerCommandLine.open(dataDirectory: dataDirectory, database: parsed["--database"], create: false)
    let (store, keys) = (opened.store, opened.keys)
    let backend = Backend(dependencies: Dependencies(store: store, keys: keys))
    let flow = try await backend.approveFlow(
      code: parsed.required("--code"), email: parsed.required("--email"), workspaceName: parsed["--workspace"])
    await store.close()
    let workspace = parsed["--workspace"].map { " in workspace '\($0)'" } ?? ""
    output.out("Approved login flow \(UserCode.display(flow.code)) for \(parsed.required("--email"))\(workspace).\n")
  }
}
