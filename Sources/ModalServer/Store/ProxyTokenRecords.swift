/// A proxy token (Modal's "webhook token"): a `Modal-Key` / `Modal-Secret` pair a reverse proxy
/// checks through `GET /proxy-auth` before passing a request to a web service. Never an API token:
/// it authenticates no gRPC call.
package struct ProxyTokenRecord: Sendable, Hashable {
  /// `wk-` + 22 base62; the lookup key, sent as `Modal-Key`.
  package var id: ProxyTokenID
  /// The workspace whose environments it opens.
  package var workspaceID: WorkspaceID
  /// A label; empty when it has none.
  package var name: String
  /// HMAC-SHA-256 of the secret under the hashing key `hashKeyID`, hex.
  package var secretHash: String
  /// Which server key made `secretHash`.
  package var hashKeyID: String
  /// The last 4 characters of the secret, for recognising it (`ws-****3f9Q`).
  package var secretHint: String
  /// Whether it works only in `environmentIDs` (otherwise in every environment of the workspace).
  package var scoped: Bool
  /// Who created it: a user's or service user's id, copied (the token outlives them).
  package var createdByID: String
  /// That creator's email or service-user name at the time.
  package var createdByName: String
  /// When it was created.
  package var createdAt: UnixTime
  /// The environments it is allowed in (what matters when `scoped`), sorted.
  package var environmentIDs: [EnvironmentID]

  /// Creates a record.
  package init(
    id: ProxyTokenID, workspaceID: WorkspaceID, name: String, secretHash: String, hashKeyID: String, secretHint: String,
    scoped: Bool, createdByID: String, createdByName: String, createdAt: UnixTime, environmentIDs: [EnvironmentID] = []
  ) {
    self.id = id
    self.workspaceID = workspaceID
    self.name = name
    self.secretHash = secretHash
    self.hashKeyID = hashKeyID
    self.secretHint = secretHint
    self.scoped = scoped
    self.createdByID = createdByID
    self.createdByName = createdByName
    self.createdAt = createdAt
    self.environmentIDs = environmentIDs
  }

  /// Whether the token may authenticate requests to `environment`.
  package func isAllowed(in environment: EnvironmentID) -> Bool {
    !scoped || environmentIDs.contains(environment)
  }
}
