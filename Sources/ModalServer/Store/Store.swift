/// Persistent state of the server. Every method is one atomic unit (a transaction) and throws
/// `ServerError`; `alreadyExists` reports a uniqueness conflict.
///
/// Implementations: `SQLiteStore` (the default, one file in the data folder) and `PostgresStore`
/// (several replicas over one database), both over the same tables (`StoreSchema`) and the same
/// statements (`SQLStore`). Nothing here assumes a single process: conditional updates
/// (`approveFlow`, `consumeFlow`, `revokeToken`) decide races in the database, not in memory, and
/// changes other processes must react to are announced through `events`.
package protocol Store: Sendable {
  // MARK: Accounts

  /// Creates a user, a workspace with the user as owner, its default environment and optionally a
  /// first token, all or nothing.
  func createAccount(user: User, workspace: Workspace, environment: Environment, token: TokenRecord?) async throws(ServerError)
  /// Creates a user.
  func insertUser(_ user: User) async throws(ServerError)
  /// The user with this id.
  func user(id: UserID) async throws(ServerError) -> User?
  /// The user with this (lower-cased) email.
  func user(email: String) async throws(ServerError) -> User?
  /// Sets or replaces a user's password hash.
  func setPasswordHash(userID: UserID, hash: String) async throws(ServerError)

  /// Creates a workspace with its default environment and its first owner.
  func insertWorkspace(_ workspace: Workspace, owner: Membership, environment: Environment) async throws(ServerError)
  /// The workspace with this id.
  func workspace(id: WorkspaceID) async throws(ServerError) -> Workspace?
  /// The workspace with this name.
  func workspace(name: String) async throws(ServerError) -> Workspace?

  /// Adds a member or changes their role, with its audit entry.
  func upsertMembership(_ membership: Membership, audit: AuditEntry?) async throws(ServerError)
  /// A user's membership of a workspace.
  func membership(workspaceID: WorkspaceID, userID: UserID) async throws(ServerError) -> Membership?
  /// The workspaces a user belongs to with their role in each, oldest membership first, in one query.
  func workspaces(userID: UserID) async throws(ServerError) -> [WorkspaceWithRole]
  /// Every member of a workspace, oldest first.
  func memberships(workspaceID: WorkspaceID) async throws(ServerError) -> [Membership]
  /// Every member of a workspace with their user record, oldest first, in one query.
  func members(workspaceID: WorkspaceID) async throws(ServerError) -> [MemberWithUser]

  /// Creates a service user and optionally its first token, with their audit entries, all or nothing.
  func insertServiceUser(_ serviceUser: ServiceUser, token: TokenRecord?, audit: [AuditEntry]) async throws(ServerError)
  /// The service user with this id.
  func serviceUser(id: ServiceUserID) async throws(ServerError) -> ServiceUser?
  /// The service users of a workspace, oldest first.
  func serviceUsers(workspaceID: WorkspaceID) async throws(ServerError) -> [ServiceUser]
  /// The service users of a workspace with their creators' emails, oldest first, in one query.
  func serviceUsersWithCreators(workspaceID: WorkspaceID) async throws(ServerError) -> [ServiceUserWithCreator]
  /// Deletes a service user and its environment roles and revokes its tokens, atomically; `false`
  /// if it did not exist (then no audit entry is written).
  func deleteServiceUser(id: ServiceUserID, at time: UnixTime, audit: AuditEntry?) async throws(ServerError) -> Bool
  /// Changes a member's role, unless that would leave the workspace without an owner; the audit
  /// entry is written only when the change is made.
  func setRole(workspaceID: WorkspaceID, userID: UserID, role: Role, audit: AuditEntry?) async throws(ServerError)
    -> MembershipChange
  /// Removes a user from a workspace and revokes their tokens there, atomically, unless they are
  /// its last owner; the audit entry is written only when the member is removed.
  func deleteMembership(workspaceID: WorkspaceID, userID: UserID, at time: UnixTime, audit: AuditEntry?)
    async throws(ServerError) -> MembershipChange

  // MARK: Environment roles

  /// The roles assigned in the environments of a workspace (`EnvironmentRoleRecord`), by environment
  /// and principal.
  func environmentRoles(workspaceID: WorkspaceID) async throws(ServerError) -> [EnvironmentRoleRecord]
  /// The role assigned to `principal` in an environment, if any.
  func environmentRole(environmentID: EnvironmentID, principal: TokenOwner) async throws(ServerError) -> EnvironmentAccess?
  /// Assigns `role` to `principal` in an environment, or removes the assignment (`nil`), with its
  /// audit entry; the entry is written only when the stored role changes (then it returns `true`).
  func setEnvironmentRole(
    environmentID: EnvironmentID, principal: TokenOwner, role: EnvironmentAccess?, at time: UnixTime, audit: AuditEntry?
  ) async throws(ServerError) -> Bool

  // MARK: Tokens

  /// Stores a new token, with its audit entry.
  func insertToken(_ token: TokenRecord, audit: AuditEntry?) async throws(ServerError)
  /// The token with this id (revoked and expired ones included).
  func token(id: TokenID) async throws(ServerError) -> TokenRecord?
  /// The tokens of a workspace, newest first; only those of `owner` when given.
  func tokens(workspaceID: WorkspaceID, owner: TokenOwner?) async throws(ServerError) -> [TokenRecord]
  /// The same tokens as `tokens(workspaceID:owner:)`, each with the email of the user who created
  /// it (`nil` when nobody did or the user is gone), in one query (the dashboard's tokens page).
  func tokensWithCreators(workspaceID: WorkspaceID, owner: TokenOwner?) async throws(ServerError) -> [TokenWithCreator]
  /// Marks a token revoked; `false` if it does not exist or was already revoked (then no audit
  /// entry is written).
  func revokeToken(id: TokenID, at time: UnixTime, audit: AuditEntry?) async throws(ServerError) -> Bool
  /// Disables the tokens `ids` at `time`, or enables them when `time` is nil, in one transaction,
  /// writing each token's entry of `audit` with its change; returns the tokens that changed
  /// (revoked tokens are never disabled or enabled) and announces `credentialsChanged` if any did.
  func setTokensDisabled(_ ids: [TokenID], at time: UnixTime?, audit: [TokenID: AuditEntry]) async throws(ServerError)
    -> [TokenID]
  /// The tokens whose keyed secret hash is one of `secretHashes` (a leaked secret hashed under
  /// every server key), revoked and expired ones included.
  func tokens(secretHashes: [String]) async throws(ServerError) -> [TokenRecord]
  /// The unkeyed SHA-256 fingerprint of the token's secret; `nil` when the token is unknown or
  /// older than fingerprints.
  func secretFingerprint(of id: TokenID) async throws(ServerError) -> String?
  /// Stores batched last-used times (never moving one backwards).
  func recordUsage(tokens: [TokenID: UnixTime], secrets: [SecretID: UnixTime]) async throws(ServerError)

  // MARK: Proxy tokens

  /// Stores a new proxy token and the environments it is allowed in, with its audit entry.
  func insertProxyToken(_ token: ProxyTokenRecord, audit: AuditEntry?) async throws(ServerError)
  /// The proxy token with this id, with its environments.
  func proxyToken(id: ProxyTokenID) async throws(ServerError) -> ProxyTokenRecord?
  /// The proxy tokens of a workspace, oldest first; only those usable in `environment` (unscoped,
  /// or allowed there) when given.
  func proxyTokens(workspaceID: WorkspaceID, usableIn environment: EnvironmentID?) async throws(ServerError)
    -> [ProxyTokenRecord]
  /// Renames a proxy token; `false` if it does not exist (then no audit entry is written).
  func renameProxyToken(id: ProxyTokenID, name: String, audit: AuditEntry?) async throws(ServerError) -> Bool
  /// Allows a proxy token in an environment (`allowed`) or takes that away, and marks it scoped;
  /// `false` if the token does not exist (then no audit entry is written).
  func setProxyTokenEnvironment(id: ProxyTokenID, environmentID: EnvironmentID, allowed: Bool, audit: AuditEntry?)
    async throws(ServerError) -> Bool
  /// Deletes a proxy token; `false` if it did not exist (then no audit entry is written).
  func deleteProxyToken(id: ProxyTokenID, audit: AuditEntry?) async throws(ServerError) -> Bool

  // MARK: Workload identity federation

  /// Stores a new trust policy and the service user its tokens act as, with its audit entry;
  /// `alreadyExists` if the workspace has a policy or service user of that name. With `environmentID`,
  /// the service user is also made a contributor in that environment, in the same transaction.
  func insertFederationPolicy(
    _ policy: FederationPolicy, serviceUser: ServiceUser, contributorIn environmentID: EnvironmentID?, audit: AuditEntry?
  ) async throws(ServerError)
  /// The trust policies of a workspace, by name.
  func federationPolicies(workspaceID: WorkspaceID) async throws(ServerError) -> [FederationPolicy]
  /// The trust policies of every workspace that trust `issuer`, by name.
  func federationPolicies(issuer: String) async throws(ServerError) -> [FederationPolicy]
  /// Deletes a policy and its service user and revokes the tokens it minted; `false` if it did not
  /// exist (then no audit entry is written).
  func deleteFederationPolicy(id: FederationPolicyID, at time: UnixTime, audit: AuditEntry?) async throws(ServerError)
    -> Bool
  /// Records that the OIDC token `jti` of `issuer` was exchanged, until `expiresAt`; `false` if it
  /// already was (a replay: decided in the database, so two replicas cannot both accept it).
  /// Forgets ids whose tokens expired before `now`.
  func claimTokenID(issuer: String, jti: String, expiresAt: UnixTime, now: UnixTime) async throws(ServerError) -> Bool
  /// Stores a token minted by federation with its origin, and the audit entry, in one transaction.
  func insertFederatedToken(_ token: TokenRecord, origin: FederatedOrigin, audit: AuditEntry?) async throws(ServerError)
  /// Where the given tokens came from, for those minted by federation.
  func federatedOrigins(tokenIDs: [TokenID]) async throws(ServerError) -> [TokenID: FederatedOrigin]

  // MARK: OAuth apps and grants

  /// Stores a newly registered OAuth app, with its audit entry.
  func insertOAuthApp(_ app: OAuthAppRecord, audit: AuditEntry?) async throws(ServerError)
  /// The OAuth app with this client id.
  func oauthApp(id: OAuthClientID) async throws(ServerError) -> OAuthAppRecord?
  /// The OAuth apps of a workspace, oldest first.
  func oauthApps(workspaceID: WorkspaceID) async throws(ServerError) -> [OAuthAppRecord]
  /// Deletes an app and every grant to it, and announces `credentialsChanged` so its calls stop at
  /// once everywhere; `false` if it did not exist (then no audit entry is written).
  func deleteOAuthApp(id: OAuthClientID, audit: AuditEntry?) async throws(ServerError) -> Bool
  /// Stores a new grant, with its audit entry.
  func insertOAuthGrant(_ grant: OAuthGrantRecord, audit: AuditEntry?) async throws(ServerError)
  /// The grant with this id.
  func oauthGrant(id: OAuthGrantID) async throws(ServerError) -> OAuthGrantRecord?
  /// The grants of a workspace (only `userID`'s when given), oldest first, revoked ones included.
  func oauthGrants(workspaceID: WorkspaceID, userID: UserID?) async throws(ServerError) -> [OAuthGrantRecord]
  /// Revokes a grant and announces `credentialsChanged`; `false` if it does not exist or was
  /// already revoked (then no audit entry is written).
  func revokeOAuthGrant(id: OAuthGrantID, at time: UnixTime, audit: AuditEntry?) async throws(ServerError) -> Bool
  /// Stores a new authorization code, and forgets codes that expired an hour or more before its creation.
  func insertOAuthCode(_ code: OAuthCodeRecord) async throws(ServerError)
  /// The authorization code with this id, used or not.
  func oauthCode(id: OAuthCodeID) async throws(ServerError) -> OAuthCodeRecord?
  /// Marks code `id` used at `time` and stores `grant` (made from it) with its audit entry, in one
  /// transaction; `false`, changing nothing, when the code was used already. One conditional
  /// UPDATE decides, so of two replicas redeeming the same code at once only one succeeds.
  func redeemOAuthCode(id: OAuthCodeID, at time: UnixTime, grant: OAuthGrantRecord, audit: AuditEntry?)
    async throws(ServerError) -> Bool

  // MARK: Token flows

  /// Stores a new pending flow; `alreadyExists` if its code collides with a pending flow.
  func insertFlow(_ flow: TokenFlowRecord) async throws(ServerError)
  /// The flow with this id.
  func flow(id: FlowID) async throws(ServerError) -> TokenFlowRecord?
  /// The newest flow with this code, in any state (for telling "expired" or "used" from "unknown").
  func newestFlow(code: String) async throws(ServerError) -> TokenFlowRecord?
  /// The pending, unexpired flow with this code.
  func pendingFlow(code: String, now: UnixTime) async throws(ServerError) -> TokenFlowRecord?
  /// Approves a pending, unexpired flow; `false` if it is not (any more; then no audit entry is written).
  func approveFlow(id: FlowID, userID: UserID, workspaceID: WorkspaceID, at time: UnixTime, audit: AuditEntry?)
    async throws(ServerError) -> Bool
  /// Marks an approved flow consumed and stores its token, atomically, if the token's owner is
  /// still a member of its workspace (decided under the workspace's row lock, like membership
  /// removals, so a removal cannot slip between the check and the insert).
  /// The audit entry is written only when the token is stored.
  func consumeFlow(id: FlowID, token: TokenRecord, at time: UnixTime, audit: AuditEntry?) async throws(ServerError)
    -> FlowConsumption
  /// Deletes flows that expired before `time` and ephemeral secrets past their end; returns how many.
  func deleteExpired(before time: UnixTime) async throws(ServerError) -> Int

  // MARK: Environments

  /// The environments of a workspace: the default first, then oldest first.
  func environments(workspaceID: WorkspaceID) async throws(ServerError) -> [Environment]
  /// The environment with this name in the workspace.
  func environment(workspaceID: WorkspaceID, name: String) async throws(ServerError) -> Environment?
  /// The environment with this id.
  func environment(id: EnvironmentID) async throws(ServerError) -> Environment?
  /// Creates an environment.
  func insertEnvironment(_ environment: Environment) async throws(ServerError)
  /// Renames an environment and/or changes its web suffix.
  func updateEnvironment(id: EnvironmentID, name: String?, webhookSuffix: String?) async throws(ServerError)
  /// Deletes an environment and every secret in it.
  func deleteEnvironment(id: EnvironmentID) async throws(ServerError)
  /// Makes `id` the default environment of `workspaceID`, and no other, in one transaction with
  /// its audit entry.
  func setDefaultEnvironment(workspaceID: WorkspaceID, id: EnvironmentID, audit: AuditEntry?) async throws(ServerError)

  // MARK: Secrets

  /// Creates a secret. Its `createdAt` is moved forward, if needed, to be later than every other
  /// secret's in the environment (so `created_before` pagination never skips one); returns the record stored.
  func insertSecret(_ secret: SecretRecord, values: SealedValues, audit: AuditEntry?) async throws(ServerError)
    -> SecretRecord
  /// Replaces the keys and values of a secret; when `expected` is given, only if the stored values
  /// are still exactly those (compare-and-swap: every sealing has a fresh nonce). `false` if the
  /// secret is gone or was changed in between (then no audit entry is written).
  @discardableResult
  func replaceSecretValues(
    id: SecretID, keys: [String], values: SealedValues, replacing expected: SealedValues?, at time: UnixTime,
    audit: AuditEntry?
  ) async throws(ServerError) -> Bool
  /// The secret with this id.
  func secret(id: SecretID) async throws(ServerError) -> SecretRecord?
  /// The named secret in an environment.
  func secret(environmentID: EnvironmentID, name: String) async throws(ServerError) -> SecretRecord?
  /// The encrypted values of a secret.
  func secretValues(id: SecretID) async throws(ServerError) -> SealedValues?
  /// Named secrets of an environment created strictly before `createdBefore` (any time when
  /// `nil`), newest first, at most `limit`.
  func secrets(environmentID: EnvironmentID, createdBefore: UnixTime?, limit: Int) async throws(ServerError) -> [SecretRecord]
  /// Deletes a secret; `false` if it did not exist (then no audit entry is written).
  func deleteSecret(id: SecretID, audit: AuditEntry?) async throws(ServerError) -> Bool

  // MARK: Sessions (dashboard)

  /// Stores a session, with its audit entry (a sign-in).
  func insertSession(_ session: SessionRecord, audit: AuditEntry?) async throws(ServerError)
  /// The session with this id hash.
  func session(idHash: String) async throws(ServerError) -> SessionRecord?
  /// Ends a session.
  func deleteSession(idHash: String) async throws(ServerError)
  /// Ends every session of a user (after a password change or removal).
  func deleteSessions(userID: UserID) async throws(ServerError)

  // MARK: Quotas

  /// What workspace `workspaceID` holds at `time` (`WorkspaceQuotas`).
  func workspaceUsage(workspaceID: WorkspaceID, at time: UnixTime) async throws(ServerError) -> WorkspaceUsage

  /// Records that the session's user just proved a second factor.
  func markSecondFactor(sessionIDHash: String, at time: UnixTime) async throws(ServerError)

  // MARK: Second factors

  /// The user's TOTP secret, if enrolled.
  func totpSecret(userID: UserID) async throws(ServerError) -> TOTPRecord?
  /// Enrols (or replaces) a TOTP secret and replaces the user's recovery codes, atomically, with the audit entry.
  func setTOTPSecret(_ record: TOTPRecord, recoveryCodes: [RecoveryCodeRecord], audit: AuditEntry?) async throws(ServerError)
  /// Removes the TOTP secret and the recovery codes; `false` if there was none (then no audit entry is written).
  func deleteTOTPSecret(userID: UserID, audit: AuditEntry?) async throws(ServerError) -> Bool
  /// Moves the last accepted time step forward to `counter`; `false` if it is already there or
  /// later (the code was used: decided in the database, so two replicas cannot both accept it).
  func advanceTOTPCounter(userID: UserID, to counter: Int64) async throws(ServerError) -> Bool
  /// The user's recovery codes not used yet.
  func unusedRecoveryCodes(userID: UserID) async throws(ServerError) -> [RecoveryCodeRecord]
  /// Marks a recovery code used; `false` if it was used already or is not the user's.
  func useRecoveryCode(userID: UserID, codeHash: String, at time: UnixTime) async throws(ServerError) -> Bool

  /// Stores a passkey; `alreadyExists` if its credential id is registered.
  func insertPasskey(_ passkey: PasskeyRecord) async throws(ServerError)
  /// The user's passkeys, oldest first.
  func passkeys(userID: UserID) async throws(ServerError) -> [PasskeyRecord]
  /// The passkey with this credential id.
  func passkey(credentialID: String) async throws(ServerError) -> PasskeyRecord?
  /// Records a sign-in with a passkey, if `signCount` is still above the stored one (or both are
  /// zero: authenticators without a counter); `false` otherwise (a cloned authenticator).
  func usePasskey(credentialID: String, signCount: Int64, at time: UnixTime) async throws(ServerError) -> Bool
  /// Renames one of the user's passkeys; `false` if it was not there.
  func renamePasskey(credentialID: String, userID: UserID, name: String) async throws(ServerError) -> Bool
  /// Removes one of the user's passkeys; `false` if it was not there.
  func deletePasskey(credentialID: String, userID: UserID) async throws(ServerError) -> Bool

  /// Stores a WebAuthn challenge (its hash) for one ceremony of `purpose`.
  func insertChallenge(hash: String, userID: UserID, purpose: String, expiresAt: UnixTime) async throws(ServerError)
  /// Deletes the challenge and returns its user if it was there, for `purpose`, and unexpired:
  /// each challenge is answered once.
  func takeChallenge(hash: String, purpose: String, now: UnixTime) async throws(ServerError) -> UserID?

  /// Whether the workspace requires a fresh second factor to approve a login or create a token.
  func requiresSecondFactor(workspaceID: WorkspaceID) async throws(ServerError) -> Bool
  /// Sets that requirement.
  func setRequiresSecondFactor(workspaceID: WorkspaceID, _ required: Bool) async throws(ServerError)

  // MARK: Attempt limits (shared by every replica)

  /// Records a failed attempt (a wrong password, a wrong login code) under `key` (a keyed hash,
  /// never the raw account or session).
  func recordFailure(key: String, at time: UnixTime) async throws(ServerError)
  /// The times of the most recent `limit` failures under `key` later than `since`, oldest first.
  func failures(key: String, since: UnixTime, limit: Int) async throws(ServerError) -> [UnixTime]
  /// Forgets the failures under `key` (after a success).
  func clearFailures(key: String) async throws(ServerError)
  /// Forgets the failure recorded under `key` at `time` (an attempt counted before it was checked
  /// that turned out right).
  func forgetFailure(key: String, at time: UnixTime) async throws(ServerError)

  // MARK: Audit log

  /// Appends an entry for an event that changes nothing else (a failed check, an export).
  func recordAudit(_ entry: AuditEntry) async throws(ServerError)
  /// Appends `entry`, unless `limit` entries of its action from its address were written in the
  /// current minute: then the newest of them counts one more (`AuditEntry.count`), so a flood of
  /// failures cannot grow the log by more than `limit` rows per address and minute.
  func recordAudit(_ entry: AuditEntry, coalescingAfter limit: Int) async throws(ServerError)
  /// The entries `query` selects.
  func auditEntries(_ query: AuditQuery) async throws(ServerError) -> [AuditEntry]
  /// How many entries `query` selects (its limit and order ignored).
  func auditCount(_ query: AuditQuery) async throws(ServerError) -> Int
  /// Deletes entries older than `time` (retention); returns how many.
  func pruneAudit(before time: UnixTime) async throws(ServerError) -> Int
  /// Records that token `tokenID` was used from `address`; when the token had been used before,
  /// but never from there, writes `audit` in the same transaction and returns `true`.
  func noteTokenAddress(_ tokenID: TokenID, address: String, at time: UnixTime, audit: AuditEntry) async throws(ServerError)
    -> Bool

  // MARK: Change notices

  /// Where committed changes are announced in this process (`StoreEvent`); stores shared by several
  /// processes also deliver the changes the others commit.
  var events: StoreEvents { get }

  // MARK: Lifecycle

  /// The applied schema version (`StoreSchema`).
  func schemaVersion() async throws(ServerError) -> Int

  /// Compares the server keys at hand (`id`, fingerprint) with those the database was written
  /// with, under a table lock so that replicas starting at once with different keys cannot both
  /// be accepted; records keys it has not seen when at least one known key is among them (or
  /// when it knows none yet).
  func registerKeys(_ keys: [(id: String, fingerprint: String)], at time: UnixTime) async throws(ServerError) -> KeyRegistration

  /// Whether the database holds live tokens or secret values and none of them was made with any
  /// of `keyIDs`: then the key file at hand is not the one this database was written with.
  func hasLiveDataWithout(anyOfKeyIDs keyIDs: [String]) async throws(ServerError) -> Bool

  /// Closes the store; later calls fail.
  func close() async

  /// Transaction latency and pool figures for `/metrics`; `nil` when the store measures nothing.
  var statistics: StoreStatistics? { get }
}

extension Store {
  /// Stores measure nothing unless they say otherwise.
  package var statistics: StoreStatistics? { nil }
}
