/// What one workspace may hold, so that one token cannot fill the database (the review stored
/// 150 ephemeral 1 MiB secrets in 21 s). Each limit of 0 means no limit.
///
/// Checked before each write against the workspace's current use (`Store.workspaceUsage`);
/// writes running at the same moment can pass together, so a workspace can exceed a limit by the
/// writes in flight, never by more.
package struct WorkspaceQuotas: Sendable, Equatable {
  /// Secrets, named and ephemeral (expired ones do not count).
  package var secrets = 1000
  /// Bytes of one value of a secret.
  package var secretValueBytes = 64 * 1024
  /// Bytes of all secrets together, as stored (encrypted: the keys, values and about 60 bytes each).
  package var secretBytes = 64 * 1024 * 1024
  /// Tokens that are neither revoked nor expired.
  package var tokens = 1000
  /// Service users.
  package var serviceUsers = 100

  /// The defaults `serve` uses.
  package init() {}

  /// Refuses a value larger than `secretValueBytes`.
  package func checkValues(_ values: [String: String]) throws(ServerError) {
    guard secretValueBytes > 0, let (key, value) = values.first(where: { $0.value.utf8.count > secretValueBytes })
    else { return }
    throw ServerError(
      .resourceExhausted,
      "The value of '\(key)' has \(value.utf8.count) bytes; this server's quota is \(secretValueBytes) bytes per "
        + "secret value (`serve --quota-secret-value-kib`).")
  }

  /// Refuses a new secret of `bytes` (as stored) when the workspace would go over a secrets quota.
  package func checkNewSecret(bytes: Int, workspace: String, usage: WorkspaceUsage) throws(ServerError) {
    if secrets > 0 && usage.secrets >= secrets {
      throw Self.exhausted(workspace, "\(secrets) secrets", "it has \(usage.secrets)", flag: "--quota-secrets")
    }
    try checkSecretBytes(adding: bytes, workspace: workspace, usage: usage)
  }

  /// Refuses `bytes` more secret data (as stored) when the workspace would go over its total.
  package func checkSecretBytes(adding bytes: Int, workspace: String, usage: WorkspaceUsage) throws(ServerError) {
    guard secretBytes > 0, bytes > 0, usage.secretBytes + bytes > secretBytes else { return }
    throw Self.exhausted(
      workspace, "\(secretBytes) bytes of secrets", "it stores \(usage.secretBytes); this write adds \(bytes)",
      flag: "--quota-secret-mib")
  }

  /// Refuses a new token when the workspace has `tokens` live ones.
  package func checkNewToken(workspace: String, usage: WorkspaceUsage) throws(ServerError) {
    guard tokens > 0, usage.tokens >= tokens else { return }
    throw Self.exhausted(workspace, "\(tokens) tokens", "it has \(usage.tokens); revoke some", flag: "--quota-tokens")
  }

  /// Refuses a new service user when the workspace has `serviceUsers`.
  package func checkNewServiceUser(workspace: String, usage: WorkspaceUsage) throws(ServerError) {
    guard serviceUsers > 0, usage.serviceUsers >= serviceUsers else { return }
    throw Self.exhausted(
      workspace, "\(serviceUsers) service users", "it has \(usage.serviceUsers)", flag: "--quota-service-users")
  }

  private static func exhausted(_ workspace: String, _ limit: String, _ use: String, flag: String) -> ServerError {
    ServerError(
      .resourceExhausted,
      "Workspace '\(workspace)' has reached its quota of \(limit) (\(use)). Delete what it no longer needs, or ask "
        + "the server's administrator to raise `serve \(flag)`.")
  }
}

extension Dependencies {
  /// What workspace `id` holds now.
  func workspaceUsage(_ id: WorkspaceID) async throws(ServerError) -> WorkspaceUsage {
    try await store.workspaceUsage(workspaceID: id, at: clock.now())
  }

  /// Refuses a new token in workspace `id` over its quota (`WorkspaceQuotas.tokens`).
  func checkTokenQuota(_ id: WorkspaceID) async throws(ServerError) {
    let quotas = settings.quotas
    guard quotas.tokens > 0 else { return }
    let usage = try await workspaceUsage(id)
    guard usage.tokens >= quotas.tokens else { return }
    let workspace = try await store.workspace(id: id)
    try quotas.checkNewToken(workspace: workspace?.name ?? id.rawValue, usage: usage)
  }
}

/// What a workspace holds now, for `WorkspaceQuotas`.
package struct WorkspaceUsage: Sendable, Equatable {
  /// Unexpired secrets.
  package var secrets: Int
  /// Bytes of their sealed values.
  package var secretBytes: Int
  /// Tokens neither revoked nor expired.
  package var tokens: Int
  /// Service users.
  package var serviceUsers: Int

  /// A usage.
  package init(secrets: Int, secretBytes: Int, tokens: Int, serviceUsers: Int) {
    self.secrets = secrets
    self.secretBytes = secretBytes
    self.tokens = tokens
    self.serviceUsers = serviceUsers
  }
}
