/// What `GET /proxy-auth` answers: whether a `Modal-Key` / `Modal-Secret` pair may pass to an environment.
package enum ProxyVerdict: Sendable, Equatable {
  /// A valid token allowed in the environment.
  case allowed(ProxyTokenID)
  /// No pair, or one that is malformed, unknown or wrong (401): the same answer for each, so the
  /// answer never says whether an id exists.
  case unauthenticated(String)
  /// A valid token not allowed in the environment, or an environment its workspace lacks (403).
  case forbidden(String)
}

extension ProxyTokenService {
  /// The one answer for a missing, malformed, unknown or wrong pair.
  package static let refusedMessage =
    "Send a valid proxy token as the headers Modal-Key and Modal-Secret (create one with "
    + "`modal workspace proxy-tokens create`)."

  /// Checks a pair for `environmentName` (the workspace's default environment when empty), reading
  /// the store every time: a token deleted or revoked on any replica is refused at once. Failures
  /// are counted per id and per `peer` address like failed API-token checks, and answered late
  /// past their budget; a correct pair never waits.
  package func verify(key: String?, secret: String?, environmentName: String, peer: String) async throws(ServerError)
    -> ProxyVerdict
  {
    guard let key, !key.isEmpty, let secret, !secret.isEmpty else { return .unauthenticated(Self.refusedMessage) }
    let hasher = SecretHasher(keys: dependencies.keys)
    guard ProxyTokenFormat.isWellFormedID(key), ProxyTokenFormat.isWellFormedSecret(secret) else {
      return await refused(key: key, peer: peer)
    }
    guard let token = try await dependencies.store.proxyToken(id: ProxyTokenID(rawValue: key)) else {
      // The same work as a wrong secret, so timing does not tell an unknown id.
      hasher.burn(secret)
      return await refused(key: key, peer: peer)
    }
    guard hasher.matches(secret, storedHash: token.secretHash, keyID: token.hashKeyID) else {
      return await refused(key: key, peer: peer)
    }
    let environment = try await environment(named: environmentName, workspaceID: token.workspaceID)
    guard let environment, token.isAllowed(in: environment.id) else {
      return .forbidden("Proxy token \(token.id) is not allowed in environment '\(environmentName)'.")
    }
    return .allowed(token.id)
  }

  /// The environment `name` of the workspace, its default for an empty name; `nil` when there is none.
  private func environment(named name: String, workspaceID: WorkspaceID) async throws(ServerError) -> Environment? {
    let store = dependencies.store
    if !name.isEmpty { return try await store.environment(workspaceID: workspaceID, name: name) }
    let all = try await store.environments(workspaceID: workspaceID)
    return all.first(where: \.isDefault) ?? all.first
  }

  /// A 401 after the wait the failure budgets ask for.
  private func refused(key: String, peer: String) async -> ProxyVerdict {
    let verdict = dependencies.failedTokenChecks.failed(id: key, peer: peer)
    if verdict.delay > .zero {
      // A cancelled wait just answers sooner: the proxy has gone.
      try? await Task.sleep(for: verdict.delay)
    }
    return .unauthenticated(Self.refusedMessage)
  }
}
