import Foundation
import ModalAPI
import ProtoWire

/// Creates, verifies, lists and revokes API tokens.
package struct TokenService: Sendable {
  let dependencies: Dependencies
  var hasher: SecretHasher { SecretHasher(keys: dependencies.keys) }

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// The longest token name accepted.
  package static let maximumNameLength = 100

  /// `name` trimmed, if it is a valid token name (API or proxy token): at most
  /// `maximumNameLength` characters, no control characters.
  package static func checkedName(_ name: String) throws(ServerError) -> String {
    let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard trimmed.count <= maximumNameLength,
      !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    else {
      throw ServerError(
        .invalidArgument, "Token names have at most \(maximumNameLength) characters and no control characters.")
    }
    return trimmed
  }

  /// A new token record and its secret (not stored yet).
  package func makeToken(
    workspaceID: WorkspaceID, owner: TokenOwner, createdByUserID: UserID?, name: String, scopes: ScopeSet,
    lifetimeSeconds: Int64?
  ) throws(ServerError) -> IssuedToken {
    let trimmed = try Self.checkedName(name)
    if let lifetimeSeconds, lifetimeSeconds <= 0 {
      throw ServerError(.invalidArgument, "A token's lifetime must be positive.")
    }
    let secret = TokenFormat.newSecret()
    let (hash, keyID) = hasher.hash(secret)
    let now = dependencies.clock.now()
    var record = TokenRecord(
      id: TokenID(rawValue: TokenFormat.newID()), workspaceID: workspaceID, owner: owner, createdByUserID: createdByUserID, name: trimmed,
      secretHash: hash, hashKeyID: keyID, secretHint: TokenFormat.hint(of: secret), scopes: scopes, createdAt: now,
      expiresAt: lifetimeSeconds.map { now.adding(seconds: $0) })
    record.secretFingerprint = Self.fingerprint(of: secret)
    return IssuedToken(record: record, secret: secret)
  }

  /// Creates and stores a token, recording `token.created` by `actor`.
  package func issue(
    workspaceID: WorkspaceID, owner: TokenOwner, createdByUserID: UserID?, name: String, scopes: ScopeSet,
    lifetimeSeconds: Int64?, by actor: AuditActor
  ) async throws(ServerError) -> IssuedToken {
    let issued = try makeToken(
      workspaceID: workspaceID, owner: owner, createdByUserID: createdByUserID, name: name, scopes: scopes,
      lifetimeSeconds: lifetimeSeconds)
    try await dependencies.checkTokenQuota(workspaceID)
    try await dependencies.store.insertToken(issued.record, audit: Self.createdEntry(issued.record, by: actor))
    dependencies.metrics.tokensMinted.add()
    return issued
  }

  /// The same answer for an unknown id and a wrong secret, so neither reveals whether an id exists.
  package static let invalidCredentialsMessage =
    "Token validation failed: the token id or secret is wrong. Check MODAL_TOKEN_ID/MODAL_TOKEN_SECRET or your "
    + "profile, or create a new token with `modal token new`."

  /// Verifies a token id and secret and returns the caller; throws `unauthenticated` with a
  /// message saying why (without ever repeating the secret).
  /// Which outcome of `authenticate` an error it threw stands for (the `reason` label of
  /// `modal_server_authentications_total`), told by the messages above.
  static func outcome(of error: ServerError) -> AuthenticationOutcome {
    guard error.code == .unauthenticated else { return .error }
    let message = error.message
    if message.hasPrefix("Token missing") { return .missing }
    if message.hasPrefix("Token ID is malformed") || message.hasPrefix("Token secret is malformed") { return .malformed }
    if message.hasSuffix("Create a new token with `modal token new`.") {
      return message.contains(" was revoked at ") ? .revoked : .expired
    }
    if message.contains(" was disabled at ") { return .disabled }
    return .invalid
  }

  /// `peer` (the client's address) is where failures are counted: a correct secret is accepted
  /// before any budget is looked at, so failures against an id never lock its token out.
  package func authenticate(id: String?, secret: String?, peer: String = "") async throws(ServerError) -> Caller {
    guard let id, !id.isEmpty, let secret, !secret.isEmpty else {
      throw ServerError(
        .unauthenticated,
        "Token missing: send the headers x-modal-token-id and x-modal-token-secret (run `modal token new`, "
          + "or set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET).")
    }
    guard TokenFormat.isWellFormedID(id) else {
      throw await failedCheck(
        id: id, peer: peer,
        ServerError(.unauthenticated, "Token ID is malformed: token ids are 'ak-' followed by 22 letters and digits."))
    }
    guard TokenFormat.isWellFormedSecret(secret) else {
      throw await failedCheck(
        id: id, peer: peer,
        ServerError(.unauthenticated, "Token secret is malformed: \(TokenFormat.secretShapeProblem(secret))."))
    }
    let tokenID = TokenID(rawValue: id)
    let callers = dependencies.callers
    let (remembered, generation) = callers.lookup(tokenID: tokenID)
    let token: TokenRecord
    if let remembered {
      token = remembered.token
    } else {
      let store = dependencies.store
      guard let found = try await store.token(id: tokenID) else {
        hasher.burn(secret)
        throw await failedCheck(id: id, peer: peer)
      }
      token = found
    }
    guard hasher.matches(secret, storedHash: token.secretHash, keyID: token.hashKeyID) else {
      throw await failedCheck(id: id, peer: peer)
    }
    let now = dependencies.clock.now()
    try Self.checkUsable(token, at: now)
    var caller: Caller
    if let remembered {
      caller = remembered
    } else {
      caller = try await resolveCaller(token)
      callers.store(caller, secret: secret, generation: generation)
    }
    caller.peer = peer
    dependencies.usage.tokenUsed(token.id, at: now)
    await dependencies.tokenAddresses.noteUse(by: caller, at: now, store: dependencies.store)
    return caller
  }

  /// `authenticate` for a token pair whose caller `CallerCache` remembers and whose address
  /// `TokenAddresses` knows, without suspending: the same checks, nothing written. A call whose
  /// caller is found here enters no async function for it, and each async frame would cost the
  /// handler task's allocator a slab (a `malloc`) once its first one is full. `nil` means
  /// `authenticate` must run: headers missing or malformed, a token not remembered, a wrong secret
  /// (so its failure is counted and delayed there, as always) or a new address.
  ///
  /// The secret is checked against the fingerprint `CallerCache` keeps of the one that passed the
  /// full check, not against the stored hash. Nor are the shapes of id and secret checked here:
  /// only ids that passed the full check are remembered, and a secret that matches is the one that
  /// passed it. The length bound keeps an oversized secret from costing a long hash.
  package func rememberedCaller(id: String?, secret: String?, peer: String) throws(ServerError) -> Caller? {
    guard let id, let secret, secret.utf8.count <= TokenFormat.longestSecret,
      var caller = dependencies.callers.caller(tokenID: TokenID(rawValue: id), provenBy: secret)
    else { return nil }
    let now = dependencies.clock.now()
    try Self.checkUsable(caller.token, at: now)
    caller.peer = peer
    guard dependencies.tokenAddresses.isKnown(caller) else { return nil }
    dependencies.usage.tokenUsed(caller.token.id, at: now)
    return caller
  }

  /// Throws `unauthenticated` saying why if a token whose secret matched is revoked, disabled or
  /// expired at `now`.
  static func checkUsable(_ token: TokenRecord, at now: UnixTime) throws(ServerError) {
    if let revokedAt = token.revokedAt {
      throw ServerError(
        .unauthenticated, "Token \(token.id) was revoked at \(revokedAt). Create a new token with `modal token new`.")
    }
    if let disabledAt = token.disabledAt { throw Self.disabledError(token, at: disabledAt) }
    if let expiresAt = token.expiresAt, expiresAt <= now {
      throw ServerError(
        .unauthenticated, "Token \(token.id) expired at \(expiresAt). Create a new token with `modal token new`.")
    }
  }

  /// `error` (by default the one answer for an unknown id and a wrong secret, so neither reveals
  /// whether an id exists) after the wait the failure budgets ask for.
  func failedCheck(
    id: String, peer: String, _ error: ServerError = ServerError(.unauthenticated, invalidCredentialsMessage)
  ) async -> ServerError {
    let verdict = dependencies.failedTokenChecks.failed(id: id, peer: peer)
    if verdict.delay > .zero {
      // A cancelled wait just answers sooner: the client has gone.
      try? await Task.sleep(for: verdict.delay)
    }
    var error = error
    error.logged = verdict.logged
    return error
  }

  /// The workspace, owner and role behind a verified token.
  func resolveCaller(_ token: TokenRecord) async throws(ServerError) -> Caller {
    let store = dependencies.store
    guard let workspace = try await store.workspace(id: token.workspaceID) else {
      throw ServerError(.unauthenticated, "The workspace of token \(token.id) no longer exists.")
    }
    switch token.owner {
    case .user(let userID):
      guard let user = try await store.user(id: userID),
        let membership = try await store.membership(workspaceID: workspace.id, userID: userID)
      else {
        throw ServerError(
          .unauthenticated, "The owner of token \(token.id) is no longer a member of workspace '\(workspace.name)'.")
      }
      return Caller(token: token, workspace: workspace, identity: .user(user), role: membership.role)
    case .serviceUser(let serviceUserID):
      guard let serviceUser = try await store.serviceUser(id: serviceUserID),
        serviceUser.workspaceID == workspace.id
      else {
        throw ServerError(.unauthenticated, "The service user of token \(token.id) no longer exists.")
      }
      let creator = try await store.user(id: serviceUser.createdByUserID)
      return Caller(
        token: token, workspace: workspace, identity: .serviceUser(serviceUser, createdBy: creator),
        role: serviceUser.role)
    }
  }

  /// The tokens `caller` may see: all of the workspace for managers and owners, else the caller's
  /// own; with unflushed last-used times merged in.
  package func list(for caller: Caller) async throws(ServerError) -> [TokenRecord] {
    let store = dependencies.store
    let owner: TokenOwner? = caller.role >= .manager ? nil : caller.token.owner
    var tokens = try await store.tokens(workspaceID: caller.workspace.id, owner: owner)
    for index in tokens.indices { tokens[index].lastUsedAt = latestUse(of: tokens[index]) }
    return tokens
  }

  /// The tokens a dashboard user may see (every one of the workspace for managers and owners, else
  /// their own), with their creators' emails and unflushed last-used times merged in, in one store query.
  package func listing(for caller: SessionCaller) async throws(ServerError) -> [TokenWithCreator] {
    let owner: TokenOwner? = caller.role >= .manager ? nil : caller.owner
    var listed = try await dependencies.store.tokensWithCreators(workspaceID: caller.workspace.id, owner: owner)
    for index in listed.indices { listed[index].token.lastUsedAt = latestUse(of: listed[index].token) }
    return listed
  }

  /// The later of a token's stored last use and one still waiting in the usage buffer.
  package func latestUse(of token: TokenRecord) -> UnixTime? {
    guard let pending = dependencies.usage.pendingTokenUse(token.id),
      pending > (token.lastUsedAt ?? UnixTime(microseconds: .min))
    else { return token.lastUsedAt }
    return pending
  }

  /// Revokes a token on behalf of `caller` (through the API or the dashboard): their own tokens
  /// always (a token may revoke itself without any scope), others' only as manager or owner with
  /// the `tokens` scope. Tokens of other workspaces, and those the caller may not see, are `notFound`.
  package func revoke(id: TokenID, by caller: some WorkspaceCaller) async throws(ServerError) {
    let store = dependencies.store
    if id != caller.tokenID { try caller.require(.tokens, for: ModalClientMethods.tokenDelete) }
    guard let token = try await store.token(id: id), Self.manages(token, caller: caller) else {
      throw ServerError(.notFound, "No token \(id) in workspace '\(caller.workspace.name)'.")
    }
    // Revoking a revoked token changes nothing and is not an error.
    let now = dependencies.clock.now()
    let entry = AuditEntry(
      .tokenRevoked, by: caller.auditActor, target: .token(id, name: token.name), workspaceID: token.workspaceID, at: now)
    if try await store.revokeToken(id: id, at: now, audit: entry) { dependencies.metrics.tokensRevoked.add() }
  }

  /// The unkeyed SHA-256 of a secret, hex: what `modal token scan --check-server` sends instead
  /// of the secret.
  package static func fingerprint(of secret: String) -> String { Hex.encode(LibCrypto.sha256(Array(secret.utf8))) }

  /// The `token.created` entry of a new token: its id, name and owner, never its secret.
  static func createdEntry(_ token: TokenRecord, by actor: AuditActor) -> AuditEntry {
    AuditEntry(
      .tokenCreated, by: actor, target: .token(token.id, name: token.name), workspaceID: token.workspaceID,
      at: token.createdAt, detail: ["owner": token.owner.rawID, "scopes": token.scopes.description])
  }
}
