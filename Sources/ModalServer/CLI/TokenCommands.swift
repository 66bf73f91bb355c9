/// `modal-server token create` and `modal-server token revoke`.
enum TokenCommands {
  static let usage = """
    Usage: modal-server token create --data-dir DIR --workspace W [--name N] [--expires-in 30m|12h|7d]
                                     [--scopes a,b] [--email E] [--json]
           modal-server token revoke --data-dir DIR TOKEN_ID

    create   Creates a token in workspace W for the user E (default: the workspace's first owner)
             and prints its id and secret (shown only this once).
               --name N          A label (default "cli")
               --expires-in D    Lifetime: a number with s, m, h or d (default: no expiry)
               --scopes a,b      Scopes (default all): \(Scope.allCases.map(\.rawValue).joined(separator: ", "))
               --email E         The user the token acts as (must be a member of W)
               --json            Print {"token_id": …, "token_secret": …, …}
    revoke   Revokes a token at once; later calls with it fail with UNAUTHENTICATED.
    Both take --database URL: postgres://… (shared by replicas) or sqlite:PATH (default:
    $MODAL_SERVER_DATABASE_URL, else the SQLite file in the data folder).

    """

  static func create(_ arguments: [String], output: ServerCommandLine.Output) async throws {
    let spec = CommandSpec(
      valueOptions: ["--data-dir", "--workspace", "--name", "--expires-in", "--scopes", "--email", "--database"],
      flags: ["--json"], required: ["--data-dir", "--workspace"])
    guard let parsed = try ServerCommandLine.parse(arguments, spec: spec, usage: usage, output: output) else { return }
    let lifetime: Int64?
    let scopes: ScopeSet
    do {
      lifetime = try parsed["--expires-in"].map { text throws(UsageError) in try ArgumentValues.duration(text) }
      scopes = try parsed["--scopes"].map { text throws(ServerError) in try ScopeSet(parsing: text) } ?? .all
    } catch let error as UsageError {
      throw CommandUsageError(error, usage: usage)
    } catch let error as ServerError {
      throw CommandUsageError(UsageError(error.message), usage: usage)
    }
    let opened = try await ServerCommandLine.open(dataDirectory: parsed.required("--data-dir"), database: parsed["--database"], create: false)
    let (store, keys) = (opened.store, opened.keys)
    let backend = Backend(dependencies: Dependencies(store: store, keys: keys))
    let workspace = try await backend.accounts.workspace(name: parsed.required("--workspace"))
    let user: User
    if let email = parsed["--email"] {
      user = try await backend.accounts.user(email: email)
      guard try await backend.accounts.role(of: user, in: workspace) != nil else {
        throw ServerError(.failedPrecondition, "\(user.email) is not a member of workspace '\(workspace.name)'.")
      }
    } else {
      user = try await backend.accounts.firstOwner(of: workspace)
    }
    let token = try await backend.tokens.issue(
      workspaceID: workspace.id, owner: .user(id: user.id), createdByUserID: user.id, name: parsed["--name"] ?? "cli",
      scopes: scopes, lifetimeSeconds: lifetime)
    await store.close()
    if parsed.has("--json") {
      var object: [String: Any] = [
        "token_id": token.id, "token_secret": token.secret, "workspace": workspace.name, "email": user.email,
        "name": token.record.name, "scopes": scopes.description,
      ]
      if let expiresAt = token.record.expiresAt { object["expires_at"] = expiresAt.iso8601 }
      output.out(ServerCommandLine.json(object))
    } else {
      let expiry = token.record.expiresAt.map { "expires \($0.iso8601)" } ?? "no expiry"
      output.out(
        """
        Created token '\(token.record.name)' for \(user.email) in workspace '\(workspace.name)' (scopes \(scopes), \(expiry)).
        token_id: \(token.id)
        token_secret: \(token.secret)

        """)
    }
  }

  static func revoke(_ arguments: [String], output: ServerCommandLine.Output) async throws {
    let spec = CommandSpec(valueOptions: ["--data-dir", "--database"], required: ["--data-dir"], positionals: 1...1)
    guard let parsed = try ServerCommandLine.parse(arguments, spec: spec, usage: usage, output: output) else { return }
    let id = parsed.positionals[0]
    let store = try await ServerCommandLine.open(dataDirectory: parsed.required("--data-dir"), database: parsed["--database"], create: false).store
    guard let token = try await store.token(id: id) else {
      throw ServerError(.notFound, "No token \(id).")
    }
    let changed = try await store.revokeToken(id: token.id, at: ServerClock.system.now())
    await store.close()
    output.out(changed ? "Revoked token \(id).\n" : "Token \(id) was already revoked.\n")
  }
}
