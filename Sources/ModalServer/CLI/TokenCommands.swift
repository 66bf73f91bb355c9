import CommandLineKit

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

  static let name = Option<String>("--name", placeholder: "N", default: "cli", help: "A label") { $0 }
  static let expiresIn = Option<Int64?>(
    "--expires-in", placeholder: "D", help: "Lifetime: a number with s, m, h or d", transform: ArgumentValues.duration)
  static let scopes = Option<ScopeSet>("--scopes", placeholder: "a,b", default: .all, help: "Scopes (default all)") {
    text throws(InvalidValue) in
    do throws(ServerError) {
      return try ScopeSet(parsing: text)
    } catch {
      throw InvalidValue(error.message)
    }
  }
  static let email = Option<String?>("--email", placeholder: "E", help: "The user the token acts as")
  static let tokenID = Argument<String>("TOKEN_ID", help: "The token to revoke")

  static let group = ServerCommand(
    name: "token", abstract: "Create or revoke an API token",
    subcommands: [
      CommandTree.command(
        "create", help: usage,
        options: [
          ServerOptions.dataDir, ServerOptions.workspace, name, expiresIn, scopes, email, ServerOptions.database,
          ServerOptions.json,
        ], run: create),
      CommandTree.command(
        "revoke", help: usage, options: [ServerOptions.dataDir, ServerOptions.database], arguments: [tokenID],
        run: revoke),
    ],
    helpText: usage)

  static func create(_ parsed: ServerInvocation) async throws {
    let output = parsed.output
    let lifetime = parsed[Self.expiresIn]
    let scopes = parsed[Self.scopes]
    let opened = try await ServerCommandLine.open(dataDirectory: parsed[ServerOptions.dataDir], database: parsed[ServerOptions.database], create: false)
    let (store, keys) = (opened.store, opened.keys)
    let backend = Backend(dependencies: Dependencies(store: store, keys: keys))
    let workspace = try await backend.accounts.workspace(name: parsed[ServerOptions.workspace])
    let user: User
    if let email = parsed[Self.email] {
      user = try await backend.accounts.user(email: email)
      guard try await backend.accounts.role(of: user, in: workspace) != nil else {
        throw ServerError(.failedPrecondition, "\(user.email) is not a member of workspace '\(workspace.name)'.")
      }
    } else {
      user = try await backend.accounts.firstOwner(of: workspace)
    }
    let token = try await backend.tokens.issue(
      workspaceID: workspace.id, owner: .user(id: user.id), createdByUserID: user.id, name: parsed[Self.name],
      scopes: scopes, lifetimeSeconds: lifetime, by: .serverOperator)
    await store.close()
    if parsed[ServerOptions.json] {
      var object: [String: Any] = [
        "token_id": token.id.rawValue, "token_secret": token.secret, "workspace": workspace.name, "email": user.email,
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

  static func revoke(_ parsed: ServerInvocation) async throws {
    let output = parsed.output
    let id = parsed[Self.tokenID]
    let store = try await ServerCommandLine.open(dataDirectory: parsed[ServerOptions.dataDir], database: parsed[ServerOptions.database], create: false).store
    guard let token = try await store.token(id: TokenID(rawValue: id)) else {
      throw ServerError(.notFound, "No token \(id).")
    }
    let changed = try await store.revokeToken(id: token.id, at: ServerClock.system.now())
    await store.close()
    output.out(changed ? "Revoked token \(id).\n" : "Token \(id) was already revoked.\n")
  }
}
