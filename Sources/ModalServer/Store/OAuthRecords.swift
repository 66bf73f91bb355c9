/// A third-party application registered by a workspace owner (an IDE plug-in, an agent, a CI
/// service) that acts for users who grant it access, through OAuth refresh tokens.
package struct OAuthAppRecord: Sendable, Hashable {
  /// How the app proves itself on each call: a secret it was given once, or a key it holds.
  package enum ClientAuthentication: Sendable, Hashable {
    /// `x-modal-oauth-client-secret`: HMAC-SHA-256 of the secret under hashing key `keyID`, hex,
    /// and its last 4 characters for recognising it.
    case secret(hash: String, keyID: String, hint: String)
    /// `x-modal-oauth-client-assertion` (RFC 7523 `private_key_jwt`), verified with this public
    /// key: a JWK object's JSON text.
    case publicKey(jwk: String)
  }

  /// `oc-` + 22 base62: the OAuth client id.
  package var id: OAuthClientID
  /// The workspace that registered it; its grants are for this workspace only.
  package var workspaceID: WorkspaceID
  /// What users see on the consent page.
  package var name: String
  /// Where the authorization code flow may send users back, compared exactly.
  package var redirectURIs: [String]
  /// How the app authenticates.
  package var authentication: ClientAuthentication
  /// The most a grant to it may allow.
  package var scopes: ScopeSet
  /// Who registered it: a user's id, or empty for the server operator (copied: the app outlives them).
  package var createdByID: String
  /// That creator's email (or `modal-server`) at the time.
  package var createdByName: String
  /// When it was registered.
  package var createdAt: UnixTime

  /// Creates a record.
  package init(
    id: OAuthClientID, workspaceID: WorkspaceID, name: String, redirectURIs: [String],
    authentication: ClientAuthentication, scopes: ScopeSet, createdByID: String, createdByName: String,
    createdAt: UnixTime
  ) {
    self.id = id
    self.workspaceID = workspaceID
    self.name = name
    self.redirectURIs = redirectURIs
    self.authentication = authentication
    self.scopes = scopes
    self.createdByID = createdByID
    self.createdByName = createdByName
    self.createdAt = createdAt
  }
}

/// A user's consent that an OAuth app may act for them in one workspace with some scopes; its
/// refresh token is stored only as a keyed hash.
package struct OAuthGrantRecord: Sendable, Hashable {
  /// `og-` + 22 base62; the lookup key, carried inside the refresh token.
  package var id: OAuthGrantID
  /// The app it was given to.
  package var clientID: OAuthClientID
  /// The workspace it acts in (the app's).
  package var workspaceID: WorkspaceID
  /// The user who consented and whom the app's calls act as.
  package var userID: UserID
  /// What it may do (within the app's scopes; the user's role still limits it).
  package var scopes: ScopeSet
  /// HMAC-SHA-256 of the refresh token under hashing key `hashKeyID`, hex.
  package var refreshHash: String
  /// Which server key made `refreshHash`.
  package var hashKeyID: String
  /// When it was given.
  package var createdAt: UnixTime
  /// When it was revoked (`nil`: not revoked).
  package var revokedAt: UnixTime?

  /// Creates a record.
  package init(
    id: OAuthGrantID, clientID: OAuthClientID, workspaceID: WorkspaceID, userID: UserID, scopes: ScopeSet,
    refreshHash: String, hashKeyID: String, createdAt: UnixTime, revokedAt: UnixTime? = nil
  ) {
    self.id = id
    self.clientID = clientID
    self.workspaceID = workspaceID
    self.userID = userID
    self.scopes = scopes
    self.refreshHash = refreshHash
    self.hashKeyID = hashKeyID
    self.createdAt = createdAt
    self.revokedAt = revokedAt
  }
}

/// An authorization code (RFC 6749 section 4.1) made when a user consents: single use, short-lived,
/// bound to the app, the redirect URI and the PKCE challenge; stored only as a keyed hash.
package struct OAuthCodeRecord: Sendable, Hashable {
  /// `oa-` + 22 base62; the lookup key, carried inside the code.
  package var id: OAuthCodeID
  /// HMAC-SHA-256 of the code under hashing key `hashKeyID`, hex.
  package var codeHash: String
  /// Which server key made `codeHash`.
  package var hashKeyID: String
  /// The app it was issued to.
  package var clientID: OAuthClientID
  /// The workspace the grant will act in (the app's).
  package var workspaceID: WorkspaceID
  /// The user who consented.
  package var userID: UserID
  /// The scopes consented to.
  package var scopes: ScopeSet
  /// The `redirect_uri` of the authorize request, which the token request must repeat.
  package var redirectURI: String
  /// The PKCE `code_challenge` (S256: base64url of the verifier's SHA-256).
  package var codeChallenge: String
  /// The browser's address at consent (for the audit entry of the grant).
  package var consentAddress: String
  /// When it was issued.
  package var createdAt: UnixTime
  /// When it stops being accepted.
  package var expiresAt: UnixTime
  /// When it was exchanged (`nil`: not yet).
  package var consumedAt: UnixTime?
  /// The grant it produced, once exchanged (`nil` before).
  package var grantID: OAuthGrantID?

  /// Creates a record.
  package init(
    id: OAuthCodeID, codeHash: String, hashKeyID: String, clientID: OAuthClientID, workspaceID: WorkspaceID,
    userID: UserID, scopes: ScopeSet, redirectURI: String, codeChallenge: String, consentAddress: String,
    createdAt: UnixTime, expiresAt: UnixTime, consumedAt: UnixTime? = nil, grantID: OAuthGrantID? = nil
  ) {
    self.id = id
    self.codeHash = codeHash
    self.hashKeyID = hashKeyID
    self.clientID = clientID
    self.workspaceID = workspaceID
    self.userID = userID
    self.scopes = scopes
    self.redirectURI = redirectURI
    self.codeChallenge = codeChallenge
    self.consentAddress = consentAddress
    self.createdAt = createdAt
    self.expiresAt = expiresAt
    self.consumedAt = consumedAt
    self.grantID = grantID
  }
}
