import ModalAPI
import ProtoWire

/// Proxy tokens (Modal's webhook tokens): create (the secret returned once), list, rename, allow
/// in or take away from an environment, delete; and `verify`, what `GET /proxy-auth` asks.
///
/// Listing needs `tokens:read`; every change needs the `tokens` scope and the role manager. A
/// token is unscoped (works in every environment of its workspace) until it is first allowed in
/// or taken away from an environment; from then on it works only where it is allowed, and taking
/// the last environment away leaves it working nowhere, never everywhere again.
package struct ProxyTokenService: Sendable {
  let dependencies: Dependencies
  private var hasher: SecretHasher { SecretHasher(keys: dependencies.keys) }
  private var store: any Store { dependencies.store }

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// A new proxy token of the caller's workspace and its secret, shown this once.
  package func create(name: String, scoped: Bool, by caller: some WorkspaceCaller) async throws(ServerError)
    -> (token: ProxyTokenRecord, secret: String)
  {
    try caller.require(.tokens, role: .manager, for: ModalClientMethods.webhookTokenCreate)
    let trimmed = try TokenService.checkedName(name)
    // The API-token quota bounds proxy tokens too, counted on their own.
    let quotas = dependencies.settings.quotas
    let existing = try await store.proxyTokens(workspaceID: caller.workspace.id, usableIn: nil).count
    try quotas.checkNewToken(
      workspace: caller.workspace.name, usage: WorkspaceUsage(secrets: 0, secretBytes: 0, tokens: existing, serviceUsers: 0))
    let secret = ProxyTokenFormat.newSecret()
    let (hash, keyID) = hasher.hash(secret)
    let token = ProxyTokenRecord(
      id: .random(), workspaceID: caller.workspace.id, name: trimmed, secretHash: hash, hashKeyID: keyID,
      secretHint: TokenFormat.hint(of: secret), scoped: scoped, createdByID: caller.owner.rawID,
      createdByName: caller.displayName, createdAt: dependencies.clock.now())
    try await store.insertProxyToken(token, audit: audit(.proxyTokenCreated, token.id, name: trimmed, by: caller))
    return (token, secret)
  }

  /// The proxy tokens of the caller's workspace, oldest first; with `environmentName`, only those
  /// that work there (unscoped, or allowed in it).
  package func list(environmentName: String?, for caller: some WorkspaceCaller) async throws(ServerError)
    -> [ProxyTokenRecord]
  {
    let method =
      environmentName == nil ? ModalClientMethods.webhookTokenList.methodName
      : ModalClientMethods.webhookTokenListForEnvironment.methodName
    try caller.require(.tokensRead, role: .member, for: method)
    var environment: EnvironmentID?
    if let environmentName {
      environment = try await EnvironmentService(dependencies: dependencies).resolve(environmentName, in: caller.workspace).id
    }
    return try await store.proxyTokens(workspaceID: caller.workspace.id, usableIn: environment)
  }

  /// Renames a token (an empty name removes it) and returns it.
  package func rename(_ id: ProxyTokenID, to name: String, by caller: some WorkspaceCaller) async throws(ServerError)
    -> ProxyTokenRecord
  {
    try caller.require(.tokens, role: .manager, for: ModalClientMethods.webhookTokenUpdate)
    let trimmed = try TokenService.checkedName(name)
    _ = try await token(id, in: caller.workspace)
    let entry = audit(.proxyTokenRenamed, id, name: trimmed, by: caller)
    guard try await store.renameProxyToken(id: id, name: trimmed, audit: entry) else { throw notFound(id, caller.workspace) }
    return try await token(id, in: caller.workspace)
  }

  /// One token of the caller's workspace.
  package func get(_ id: ProxyTokenID, for caller: some WorkspaceCaller) async throws(ServerError) -> ProxyTokenRecord {
    try caller.require(.tokensRead, role: .member, for: ModalClientMethods.webhookTokenUpdate)
    return try await token(id, in: caller.workspace)
  }

  /// The ids of the environments a token is allowed in.
  package func environments(of id: ProxyTokenID, for caller: some WorkspaceCaller) async throws(ServerError)
    -> [EnvironmentID]
  {
    try caller.require(.tokensRead, role: .member, for: ModalClientMethods.webhookTokenEnvironmentList)
    return try await token(id, in: caller.workspace).environmentIDs
  }

  /// Allows a token in an environment of its workspace (`allowed`), or takes that away.
  package func setEnvironment(
    _ id: ProxyTokenID, environment: EnvironmentID, allowed: Bool, by caller: some WorkspaceCaller
  ) async throws(ServerError) {
    let method =
      allowed ? ModalClientMethods.webhookTokenEnvironmentAdd.methodName
      : ModalClientMethods.webhookTokenEnvironmentRemove.methodName
    try caller.require(.tokens, role: .manager, for: method)
    let current = try await token(id, in: caller.workspace)
    // Sequential statements rather than `try await` inside one `guard`: Swift 6.3.1's optimizer
    // crashes on the combined form in release builds (see `Dashboard.memberWorkspace`).
    let found = try await store.environment(id: environment)
    guard let found, found.workspaceID == caller.workspace.id else {
      throw ServerError(.notFound, "No environment \(environment) in workspace '\(caller.workspace.name)'.")
    }
    let entry = audit(
      allowed ? .proxyTokenAllowed : .proxyTokenDisallowed, id, name: current.name, by: caller,
      detail: ["environment": found.name])
    guard try await store.setProxyTokenEnvironment(id: id, environmentID: environment, allowed: allowed, audit: entry)
    else {
      throw notFound(id, caller.workspace)
    }
  }

  /// Deletes a token: every replica refuses it from the next request on (`verify` reads the store).
  package func delete(_ id: ProxyTokenID, by caller: some WorkspaceCaller) async throws(ServerError) {
    try caller.require(.tokens, role: .manager, for: ModalClientMethods.webhookTokenDelete)
    let current = try await token(id, in: caller.workspace)
    let entry = audit(.proxyTokenDeleted, id, name: current.name, by: caller)
    guard try await store.deleteProxyToken(id: id, audit: entry) else { throw notFound(id, caller.workspace) }
  }

  /// The audit entry of a change to a proxy token (never its secret).
  private func audit(
    _ action: AuditAction, _ id: ProxyTokenID, name: String, by caller: some WorkspaceCaller, detail: [String: String] = [:]
  ) -> AuditEntry {
    AuditEntry(
      action, by: caller.auditActor, target: .proxyToken(id, name: name), workspaceID: caller.workspace.id,
      at: dependencies.clock.now(), detail: detail)
  }

  /// The token with `id` in `workspace`; `notFound` for one of another workspace, as for none.
  private func token(_ id: ProxyTokenID, in workspace: Workspace) async throws(ServerError) -> ProxyTokenRecord {
    guard ProxyTokenFormat.isWellFormedID(id.rawValue) else { throw notFound(id, workspace) }
    let token = try await store.proxyToken(id: id)
    guard let token, token.workspaceID == workspace.id else { throw notFound(id, workspace) }
    return token
  }

  private func notFound(_ id: ProxyTokenID, _ workspace: Workspace) -> ServerError {
    ServerError(
      .notFound,
      "No proxy token \(id) in workspace '\(workspace.name)'. List them with `modal workspace proxy-tokens list`.")
  }
}
