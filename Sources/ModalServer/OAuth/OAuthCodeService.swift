import ModalJOSE

/// Authorization codes of the OAuth code flow (RFC 6749 section 4.1) with PKCE (RFC 7636, S256
/// only): issued when a user consents, exchanged once at `POST /oauth/token` for a grant and its
/// refresh token. A code is stored as a keyed hash, lives `lifetimeSeconds`, and is bound to its
/// app, redirect URI and challenge. A second use revokes the grant the first made (RFC 6749
/// section 10.5): whoever holds a used code may have stolen it.
package struct OAuthCodeService: Sendable {
  let dependencies: Dependencies
  private var hasher: SecretHasher { SecretHasher(keys: dependencies.keys) }
  private var store: any Store { dependencies.store }

  /// How long a code may wait for its exchange.
  package static let lifetimeSeconds: Int64 = 60

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// What a consenting user agreed to, for the code that carries it.
  package struct Consent: Sendable {
    /// The app.
    package var app: OAuthAppRecord
    /// The user who consented.
    package var user: User
    /// The scopes consented to (within the app's).
    package var scopes: ScopeSet
    /// The authorize request's `redirect_uri`.
    package var redirectURI: String
    /// The authorize request's S256 `code_challenge`.
    package var codeChallenge: String
    /// The browser's address.
    package var peer: String

    /// Bundles a consent.
    package init(app: OAuthAppRecord, user: User, scopes: ScopeSet, redirectURI: String, codeChallenge: String, peer: String) {
      self.app = app
      self.user = user
      self.scopes = scopes
      self.redirectURI = redirectURI
      self.codeChallenge = codeChallenge
      self.peer = peer
    }
  }

  /// Issues a new code for `consent`; the code is returned once and stored as a keyed hash.
  package func issue(_ consent: Consent) async throws(ServerError) -> String {
    let id = OAuthCodeID.random()
    let code = OAuthFormat.newCode(for: id)
    let (hash, keyID) = hasher.hash(code)
    let now = dependencies.clock.now()
    let record = OAuthCodeRecord(
      id: id, codeHash: hash, hashKeyID: keyID, clientID: consent.app.id, workspaceID: consent.app.workspaceID,
      userID: consent.user.id, scopes: consent.scopes, redirectURI: consent.redirectURI,
      codeChallenge: consent.codeChallenge, consentAddress: FlowStartLimiter.address(of: consent.peer), createdAt: now,
      expiresAt: now.adding(seconds: Self.lifetimeSeconds))
    try await store.insertOAuthCode(record)
    return code
  }

  /// What a token request presents with a code.
  package struct Exchange: Sendable {
    /// The code.
    package var code: String
    /// The token request's `redirect_uri`.
    package var redirectURI: String
    /// The PKCE `code_verifier`.
    package var verifier: String
    /// The client's address (for the audit entry of a reuse).
    package var peer: String

    /// Bundles an exchange.
    package init(code: String, redirectURI: String, verifier: String, peer: String) {
      self.code = code
      self.redirectURI = redirectURI
      self.verifier = verifier
      self.peer = peer
    }
  }

  private static let unknownCode = OAuthError(
    .invalidGrant,
    "The authorization code is unknown or was not issued to this client. Send the user through the authorization again.")

  /// Exchanges a code presented by the authenticated `app`: the grant it makes and its refresh
  /// token. `invalid_grant` for an unknown, expired or used code, another client's code, another
  /// redirect URI or a verifier that does not match the challenge.
  package func redeem(_ exchange: Exchange, by app: OAuthAppRecord) async throws(OAuthError)
    -> (grant: OAuthGrantRecord, refreshToken: String)
  {
    guard let id = OAuthFormat.codeID(of: exchange.code) else { throw Self.unknownCode }
    let found = try await Self.unavailableOnFailure { () async throws(ServerError) in try await store.oauthCode(id: id) }
    guard let record = found else {
      hasher.burn(exchange.code)
      throw Self.unknownCode
    }
    guard hasher.matches(exchange.code, storedHash: record.codeHash, keyID: record.hashKeyID), record.clientID == app.id
    else { throw Self.unknownCode }
    if record.consumedAt != nil { throw await reused(record, app: app, peer: exchange.peer) }
    let now = dependencies.clock.now()
    guard now < record.expiresAt else {
      throw OAuthError(
        .invalidGrant,
        "The authorization code has expired (codes live \(Self.lifetimeSeconds) seconds). Send the user through the authorization again.")
    }
    try Self.check(exchange, against: record)
    let made = try await Self.unavailableOnFailure { () async throws(ServerError) in
      guard let user = try await store.user(id: record.userID) else {
        throw ServerError(.failedPrecondition, "The user who consented no longer exists.")
      }
      let actor = AuditActor(
        kind: .user, id: user.id.rawValue, name: user.email, address: record.consentAddress, source: "web")
      return try await OAuthAppService(dependencies: dependencies).newGrant(app, to: user, scopes: record.scopes, by: actor)
    }
    let redeemed = try await Self.unavailableOnFailure { () async throws(ServerError) in
      try await store.redeemOAuthCode(id: id, at: now, grant: made.grant, audit: made.audit)
    }
    guard redeemed else {
      // Another request (perhaps on another replica) used it between our read and our write.
      let current = try? await store.oauthCode(id: id)
      throw await reused(current ?? record, app: app, peer: exchange.peer)
    }
    return (made.grant, made.refreshToken)
  }

  /// The redirect URI and the PKCE verifier against the code's.
  private static func check(_ exchange: Exchange, against record: OAuthCodeRecord) throws(OAuthError) {
    guard exchange.redirectURI == record.redirectURI else {
      throw OAuthError(
        .invalidGrant, "The redirect_uri differs from the one of the authorization request; send the same one.")
    }
    guard isWellFormedVerifier(exchange.verifier) else {
      throw OAuthError(
        .invalidGrant,
        "The code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~' (RFC 7636 section 4.1).")
    }
    guard Sodium.constantTimeEqual(Array(challenge(of: exchange.verifier).utf8), Array(record.codeChallenge.utf8)) else {
      throw OAuthError(.invalidGrant, "The code_verifier does not match the code_challenge of the authorization request.")
    }
  }

  /// The S256 challenge of `verifier`: base64url (no padding) of its SHA-256 (RFC 7636 section 4.2).
  package static func challenge(of verifier: String) -> String {
    ModalJOSE.Base64URL.encode(LibCrypto.sha256(Array(verifier.utf8)))
  }

  /// Whether `verifier` is 43 to 128 unreserved characters (RFC 7636 section 4.1).
  static func isWellFormedVerifier(_ verifier: String) -> Bool {
    (43...128).contains(verifier.utf8.count) && verifier.utf8.allSatisfy(isUnreserved)
  }

  /// Whether `challenge` has the shape of an S256 challenge: 43 base64url characters.
  package static func isWellFormedChallenge(_ challenge: String) -> Bool {
    challenge.utf8.count == 43 && challenge.utf8.allSatisfy { isUnreserved($0) && $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "~") }
  }

  private static func isUnreserved(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
      || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
  }

  /// The error for a second use of `record`, after revoking the grant the first use made.
  private func reused(_ record: OAuthCodeRecord, app: OAuthAppRecord, peer: String) async -> OAuthError {
    if let grantID = record.grantID {
      let actor = AuditActor(
        kind: .system, id: "", name: "modal-server", address: FlowStartLimiter.address(of: peer), source: "oauth")
      let entry = AuditEntry(
        .oauthGrantRevoked, by: actor, target: .oauthGrant(grantID, appName: app.name), workspaceID: app.workspaceID,
        at: dependencies.clock.now(),
        detail: ["reason": "its authorization code was used again", "client_id": app.id.rawValue],
        subjectUserID: record.userID)
      _ = try? await store.revokeOAuthGrant(id: grantID, at: entry.time, audit: entry)
    }
    return OAuthError(
      .invalidGrant,
      "The authorization code was already used; the grant it gave is revoked in case the code was stolen. "
        + "Send the user through the authorization again.")
  }

  /// Runs a store step; its failure becomes `temporarily_unavailable`, or `invalid_grant` for a
  /// user who is no longer a member.
  private static func unavailableOnFailure<T>(_ body: () async throws(ServerError) -> T) async throws(OAuthError) -> T {
    do {
      return try await body()
    } catch where error.code == .failedPrecondition {
      throw OAuthError(.invalidGrant, error.message)
    } catch {
      throw OAuthError(.temporarilyUnavailable, "The server could not complete the exchange; try again.")
    }
  }
}
