/// The OAuth credentials of one gRPC call, as Python modal 1.6.4 sends them
/// (`modal/client.py` `_get_metadata`, `modal/_utils/oauth.py`).
package struct OAuthCallHeaders: Sendable {
  /// `x-modal-refresh-token`.
  package var refreshToken: String?
  /// `x-modal-oauth-client-id`.
  package var clientID: String?
  /// `x-modal-oauth-client-secret`.
  package var clientSecret: String?
  /// `x-modal-oauth-client-assertion`: an RS256 `private_key_jwt`, new for every call.
  package var assertion: String?

  /// The header names, in the order above.
  package static let names = (
    refreshToken: "x-modal-refresh-token", clientID: "x-modal-oauth-client-id",
    clientSecret: "x-modal-oauth-client-secret", assertion: "x-modal-oauth-client-assertion"
  )

  /// Bundles the headers.
  package init(refreshToken: String?, clientID: String?, clientSecret: String? = nil, assertion: String? = nil) {
    self.refreshToken = refreshToken
    self.clientID = clientID
    self.clientSecret = clientSecret
    self.assertion = assertion
  }

  /// The OAuth headers of a call; `nil` when it sends none of them (a token-pair call). Empty
  /// values count as absent, as Python leaves them out.
  package init?(_ header: (String) -> String?) {
    func value(_ name: String) -> String? { header(name).flatMap { $0.isEmpty ? nil : $0 } }
    self.init(
      refreshToken: value(Self.names.refreshToken), clientID: value(Self.names.clientID),
      clientSecret: value(Self.names.clientSecret), assertion: value(Self.names.assertion))
    if refreshToken == nil && clientID == nil && clientSecret == nil && assertion == nil { return nil }
  }
}

/// The app and grant behind a caller that authenticated with OAuth credentials.
///
/// A class, so a `Caller` holds one reference rather than both records: callers are copied on
/// every call and live in the handlers' async frames.
package final class OAuthCallerContext: Sendable {
  /// The app acting for the user.
  package let app: OAuthAppRecord
  /// The user's grant to it.
  package let grant: OAuthGrantRecord

  /// The app and the user's grant to it.
  package init(app: OAuthAppRecord, grant: OAuthGrantRecord) {
    self.app = app
    self.grant = grant
  }
}

extension TokenService {
  /// The same answer for an unknown or wrong refresh token, a client id that is not the grant's and
  /// a wrong client secret, so none reveals which part was right.
  package static let invalidOAuthMessage =
    "OAuth authentication failed: the refresh token, client id or client secret is wrong. Check "
    + "MODAL_OAUTH_REFRESH_TOKEN, MODAL_OAUTH_CLIENT_ID and MODAL_OAUTH_CLIENT_SECRET (or MODAL_OAUTH_JWT_KEY), "
    + "or have the user authorize the app again."

  /// Verifies OAuth call headers and returns the consenting user's caller, limited to the grant's
  /// scopes and workspace. A token pair sent beside them is refused: a call acts for one party.
  /// A remembered grant is checked by `rememberedCaller(oauth:tokenPairSent:peer:)` first, as the
  /// method table checks it.
  package func authenticate(oauth headers: OAuthCallHeaders, tokenPairSent: Bool, peer: String = "")
    async throws(ServerError) -> Caller
  {
    switch try rememberedCaller(oauth: headers, tokenPairSent: tokenPairSent, peer: peer) {
    case .authenticated(let caller): return caller
    case .refused(let grant): throw await failedOAuthCheck(grant: grant, peer: peer)
    case nil: return try await authenticateInFull(oauth: headers, tokenPairSent: tokenPairSent, peer: peer)
    }
  }

  /// What `authenticate(oauth:tokenPairSent:peer:)` does when the remembered check cannot decide:
  /// every check, from the store when the grant is not remembered, and the first use from a new
  /// address recorded. The method table calls it after its own remembered check, so that check
  /// is not made twice.
  package func authenticateInFull(oauth headers: OAuthCallHeaders, tokenPairSent: Bool, peer: String)
    async throws(ServerError) -> Caller
  {
    let (refreshToken, clientID) = try Self.checkShape(headers, tokenPairSent: tokenPairSent)
    guard let grantID = OAuthFormat.grantID(of: refreshToken) else {
      throw await failedCheck(id: clientID, peer: peer, Self.invalidOAuth)
    }
    let callers = dependencies.callers
    let (remembered, generation) = callers.lookup(tokenID: Self.cacheKey(grantID))
    let context: OAuthCallerContext
    if let known = remembered?.oauth {
      context = known
    } else {
      guard let grant = try await dependencies.store.oauthGrant(id: grantID),
        let app = try await dependencies.store.oauthApp(id: grant.clientID)
      else {
        hasher.burn(refreshToken)
        throw await failedOAuthCheck(grant: grantID, peer: peer)
      }
      context = OAuthCallerContext(app: app, grant: grant)
    }
    let grant = context.grant
    guard hasher.matches(refreshToken, storedHash: grant.refreshHash, keyID: grant.hashKeyID),
      clientID == context.app.id.rawValue, try verifyClient(context.app, headers)
    else {
      throw await failedOAuthCheck(grant: grantID, peer: peer)
    }
    try Self.checkNotRevoked(context)
    var caller: Caller
    if let remembered, remembered.oauth != nil {
      caller = remembered
    } else {
      caller = try await resolveCaller(Self.tokenRecord(for: context))
      caller.oauth = context
      callers.store(caller, generation: generation)
    }
    caller.peer = peer
    await dependencies.tokenAddresses.noteUse(by: caller, at: dependencies.clock.now(), store: dependencies.store)
    return caller
  }

  /// What a check of remembered credentials that never suspends decided (`nil` where it cannot).
  package enum RememberedCheck {
    /// The remembered caller: every check of the full path passed.
    case authenticated(Caller)
    /// The grant is remembered, but the refresh token, the client id or the client's proof is
    /// wrong: answer with `failedOAuthCheck(grant:peer:)`, which counts and delays the failure as
    /// the full path does, without verifying the proof a second time.
    case refused(OAuthGrantID)
  }

  /// Checks OAuth headers whose grant is remembered, without suspending and exactly as
  /// `authenticate(oauth:tokenPairSent:peer:)` checks them (the method table's fast path, as
  /// `rememberedCaller(id:secret:peer:)` is for a token pair). `nil` when the full path must
  /// decide: the grant is not remembered, the headers are incomplete or sent with a token pair
  /// (it says what is wrong), or the caller's address is new to this grant (it records the first
  /// use). The address is checked before the client's proof, so an assertion's `jti` is only ever
  /// spent by the path that answers.
  package func rememberedCaller(oauth headers: OAuthCallHeaders, tokenPairSent: Bool, peer: String)
    throws(ServerError) -> RememberedCheck?
  {
    guard !tokenPairSent, let refreshToken = headers.refreshToken, let clientID = headers.clientID,
      (headers.clientSecret == nil) != (headers.assertion == nil), let grantID = OAuthFormat.grantID(of: refreshToken),
      var caller = dependencies.callers.lookup(tokenID: Self.cacheKey(grantID)).caller, let context = caller.oauth
    else { return nil }
    caller.peer = peer
    guard dependencies.tokenAddresses.isKnown(caller) else { return nil }
    let grant = context.grant
    guard hasher.matches(refreshToken, storedHash: grant.refreshHash, keyID: grant.hashKeyID),
      clientID == context.app.id.rawValue, try verifyClient(context.app, headers)
    else { return .refused(grantID) }
    try Self.checkNotRevoked(context)
    return .authenticated(caller)
  }

  /// The answer to OAuth credentials of `grant` that failed a check, after the wait the failure
  /// budgets ask for; the same text whichever part was wrong.
  package func failedOAuthCheck(grant: OAuthGrantID, peer: String) async -> ServerError {
    await failedCheck(id: grant.rawValue, peer: peer, Self.invalidOAuth)
  }

  private static var invalidOAuth: ServerError { ServerError(.unauthenticated, invalidOAuthMessage) }

  /// Throws the revoked grant's own text (the client proved itself: it may learn why).
  private static func checkNotRevoked(_ context: OAuthCallerContext) throws(ServerError) {
    guard let revokedAt = context.grant.revokedAt else { return }
    throw ServerError(
      .unauthenticated,
      "OAuth grant \(context.grant.id) to app '\(context.app.name)' was revoked at \(revokedAt). Have the user authorize the app again.")
  }

  /// The refresh token and client id, once the headers are complete and unmixed.
  private static func checkShape(_ headers: OAuthCallHeaders, tokenPairSent: Bool) throws(ServerError)
    -> (refreshToken: String, clientID: String)
  {
    guard !tokenPairSent else {
      throw ServerError(
        .unauthenticated,
        "The call sends both a token pair and OAuth credentials; send one of them. Unset MODAL_TOKEN_ID and "
          + "MODAL_TOKEN_SECRET, or the MODAL_OAUTH_* settings.")
    }
    guard let refreshToken = headers.refreshToken, let clientID = headers.clientID,
      (headers.clientSecret == nil) != (headers.assertion == nil)
    else {
      throw ServerError(
        .unauthenticated,
        "OAuth credentials incomplete: send x-modal-refresh-token, x-modal-oauth-client-id and exactly one of "
          + "x-modal-oauth-client-secret or x-modal-oauth-client-assertion.")
    }
    return (refreshToken, clientID)
  }

  /// Whether the call proves it comes from `app`: its secret (keyed hash, compared in constant time),
  /// or an assertion signed with its key. An assertion that verifies but has expired or was replayed
  /// throws its own error.
  private func verifyClient(_ app: OAuthAppRecord, _ headers: OAuthCallHeaders) throws(ServerError) -> Bool {
    switch app.authentication {
    case .secret(let hash, let keyID, _):
      guard let secret = headers.clientSecret else { return false }
      return hasher.matches(secret, storedHash: hash, keyID: keyID)
    case .publicKey:
      guard let assertion = headers.assertion else { return false }
      let now = Int(dependencies.clock.now().wholeSeconds)
      return try dependencies.clientAssertions.verify(assertion, app: app, now: now)
    }
  }

  /// The key of an OAuth caller in the `CallerCache`: its grant id, which no API token id can equal.
  private static func cacheKey(_ id: OAuthGrantID) -> TokenID { TokenID(rawValue: id.rawValue) }

  /// The grant seen as a token of its user: its scopes, workspace and owner are what every
  /// permission check reads, and its id (the grant's) names it in logs and `TokenInfoGet`.
  private static func tokenRecord(for context: OAuthCallerContext) -> TokenRecord {
    let grant = context.grant
    return TokenRecord(
      id: cacheKey(grant.id), workspaceID: grant.workspaceID, owner: .user(id: grant.userID),
      createdByUserID: grant.userID, name: "OAuth: \(context.app.name)", secretHash: grant.refreshHash,
      hashKeyID: grant.hashKeyID, secretHint: "", scopes: grant.scopes, createdAt: grant.createdAt, expiresAt: nil,
      revokedAt: grant.revokedAt)
  }
}
