import Foundation
import CommandLineKit

/// `modal-server oauth-app create|list|delete|grant|revoke-grant`: the operator's view of OAuth apps.
enum OAuthAppCommands {
  static let usage = """
    Usage: modal-server oauth-app create --data-dir DIR --workspace W --name N [--redirect-uris U1,U2]
                                         [--scopes a,b] [--public-key FILE] [--json]
           modal-server oauth-app list --data-dir DIR --workspace W [--json]
           modal-server oauth-app delete --data-dir DIR --workspace W CLIENT_ID
           modal-server oauth-app grant --data-dir DIR --workspace W --email E [--scopes a,b] [--json] CLIENT_ID
           modal-server oauth-app revoke-grant --data-dir DIR --workspace W GRANT_ID

    create        Registers an OAuth app in workspace W and prints its client id (oc-…) and client
                  secret (ov-…, shown only this once).
                    --name N            What users see when they consent
                    --redirect-uris U   Comma-separated; https, or http to 127.0.0.1/localhost: where
                                        /oauth/authorize may send users back (exact match)
                    --scopes a,b        The most a grant may allow (default all): \(Scope.allCases.map(\.rawValue).joined(separator: ", "))
                    --public-key FILE   An RSA public key (PEM or JWK): the app then signs an RS256
                                        assertion per call (private_key_jwt) and gets no secret
    list          Lists the apps of W and their grants.
    delete        Deletes an app and every grant to it; its calls fail at once.
    grant         Grants the app access for the member E (what the user's consent on the dashboard's
                  /oauth/authorize page does) and prints the refresh token (or-…, shown only this
                  once). --scopes must lie within the app's.
    revoke-grant  Revokes a grant; the app's calls for that user fail at once.
    All take --database URL: postgres://… (shared by replicas) or sqlite:PATH (default:
    $MODAL_SERVER_DATABASE_URL, else the SQLite file in the data folder).

    """

  static let name = Option<String>.required("--name", placeholder: "N", help: "What users see when they consent")
  static let redirectURIs = Option<[String]>(
    "--redirect-uris", placeholder: "U1,U2", default: [], help: "Comma-separated redirect URIs"
  ) { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
  static let publicKey = Option<String?>("--public-key", placeholder: "FILE", help: "An RSA public key (PEM or JWK)")
  static let clientID = Argument<String>("CLIENT_ID", help: "The app's client id (oc-…)")
  static let grantID = Argument<String>("GRANT_ID", help: "The grant's id (og-…)")

  static let group = ServerCommand(
    name: "oauth-app", abstract: "Register, list or delete OAuth apps; grant or revoke their access",
    subcommands: [
      CommandTree.command(
        "create", help: usage,
        options: [
          ServerOptions.dataDir, ServerOptions.workspace, name, redirectURIs, TokenCommands.scopes, publicKey,
          ServerOptions.database, ServerOptions.json,
        ], run: create),
      CommandTree.command(
        "list", help: usage,
        options: [ServerOptions.dataDir, ServerOptions.workspace, ServerOptions.database, ServerOptions.json], run: list),
      CommandTree.command(
        "delete", help: usage, options: [ServerOptions.dataDir, ServerOptions.workspace, ServerOptions.database],
        arguments: [clientID], run: delete),
      CommandTree.command(
        "grant", help: usage,
        options: [
          ServerOptions.dataDir, ServerOptions.workspace, ServerOptions.email, TokenCommands.scopes,
          ServerOptions.database, ServerOptions.json,
        ], arguments: [clientID], run: grant),
      CommandTree.command(
        "revoke-grant", help: usage, options: [ServerOptions.dataDir, ServerOptions.workspace, ServerOptions.database],
        arguments: [grantID], run: revokeGrant),
    ],
    helpText: usage)

  /// The backend and workspace a command acts on; `body` runs before the store is closed.
  private static func withWorkspace(
    _ parsed: ServerInvocation, _ body: (Backend, Workspace) async throws -> Void
  ) async throws {
    let opened = try await ServerCommandLine.open(
      dataDirectory: parsed[ServerOptions.dataDir], database: parsed[ServerOptions.database], create: false)
    let backend = Backend(dependencies: Dependencies(store: opened.store, keys: opened.keys))
    do {
      try await body(backend, try await backend.accounts.workspace(name: parsed[ServerOptions.workspace]))
    } catch {
      await opened.store.close()
      throw error
    }
    await opened.store.close()
  }

  /// A secret, or the public key read from `--public-key`.
  private static func credential(_ parsed: ServerInvocation) throws -> OAuthAppService.ClientCredential {
    guard let path = parsed[publicKey] else { return .secret }
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
      throw ServerError(.invalidArgument, "Cannot read the public key file \(path).")
    }
    return .publicKey(jwk: OAuthClientKey.storedText(try OAuthClientKey.parse(text)))
  }

  static func create(_ parsed: ServerInvocation) async throws {
    let credential = try credential(parsed)
    try await withWorkspace(parsed) { backend, workspace in
      let registration = OAuthAppService.Registration(
        name: parsed[name], redirectURIs: parsed[redirectURIs], scopes: parsed[TokenCommands.scopes], credential: credential)
      let (app, secret) = try await backend.oauthApps.register(registration, in: workspace, by: .serverOperator)
      if parsed[ServerOptions.json] {
        parsed.output.out(
          ServerCommandLine.json([
            "client_id": app.id.rawValue, "client_secret": secret ?? "", "name": app.name, "workspace": workspace.name,
            "scopes": app.scopes.description, "redirect_uris": app.redirectURIs,
          ]))
      } else {
        parsed.output.out(
          """
          Registered OAuth app '\(app.name)' in workspace '\(workspace.name)' (scopes \(app.scopes)).
          client_id: \(app.id)
          \(secret.map { "client_secret: \($0)" } ?? "client authentication: private_key_jwt (RS256 assertions)")

          """)
      }
    }
  }

  static func list(_ parsed: ServerInvocation) async throws {
    try await withWorkspace(parsed) { backend, workspace in
      let apps = try await backend.oauthApps.apps(in: workspace)
      let grants = try await backend.oauthApps.grants(in: workspace, of: nil)
      if parsed[ServerOptions.json] {
        let objects: [[String: Any]] = apps.map { app in
          [
            "client_id": app.id.rawValue, "name": app.name, "scopes": app.scopes.description,
            "redirect_uris": app.redirectURIs, "created_at": app.createdAt.iso8601,
            "grants": grants.filter { $0.clientID == app.id }.map(\.id.rawValue),
          ]
        }
        parsed.output.out(ServerCommandLine.json(["apps": objects]))
        return
      }
      if apps.isEmpty { parsed.output.out("No OAuth apps in workspace '\(workspace.name)'.\n") }
      for app in apps {
        let live = grants.filter { $0.clientID == app.id && $0.revokedAt == nil }.count
        parsed.output.out("\(app.id)  \(app.name)  scopes \(app.scopes)  \(live) active grant(s)\n")
      }
    }
  }

  static func delete(_ parsed: ServerInvocation) async throws {
    try await withWorkspace(parsed) { backend, workspace in
      let id = OAuthClientID(rawValue: parsed[clientID])
      try await backend.oauthApps.delete(id, in: workspace, by: .serverOperator)
      parsed.output.out("Deleted OAuth app \(id) and its grants.\n")
    }
  }

  static func grant(_ parsed: ServerInvocation) async throws {
    try await withWorkspace(parsed) { backend, workspace in
      let app = try await backend.oauthApps.app(OAuthClientID(rawValue: parsed[clientID]), in: workspace)
      let user = try await backend.accounts.user(email: parsed[ServerOptions.email])
      let (grant, refreshToken) = try await backend.oauthApps.grant(
        app, to: user, scopes: parsed[TokenCommands.scopes], by: .serverOperator)
      if parsed[ServerOptions.json] {
        parsed.output.out(
          ServerCommandLine.json([
            "grant_id": grant.id.rawValue, "refresh_token": refreshToken, "client_id": app.id.rawValue,
            "email": user.email, "scopes": grant.scopes.description,
          ]))
      } else {
        parsed.output.out(
          """
          Granted OAuth app '\(app.name)' access for \(user.email) in workspace '\(workspace.name)' (scopes \(grant.scopes)).
          grant_id: \(grant.id)
          refresh_token: \(refreshToken)

          """)
      }
    }
  }

  static func revokeGrant(_ parsed: ServerInvocation) async throws {
    try await withWorkspace(parsed) { backend, workspace in
      let id = OAuthGrantID(rawValue: parsed[grantID])
      try await backend.oauthApps.revokeGrant(id, in: workspace, of: nil, by: .serverOperator)
      parsed.output.out("Revoked OAuth grant \(id).\n")
    }
  }
}
