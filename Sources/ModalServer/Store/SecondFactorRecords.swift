/// A user's TOTP secret, encrypted at rest with the server's encryption subkey.
package struct TOTPRecord: Sendable, Hashable {
  /// Whose it is.
  package var userID: UserID
  /// The server key it is sealed with.
  package var keyID: String
  /// The secret, sealed (XSalsa20-Poly1305, nonce first), hex.
  package var secretSealed: String
  /// The last time step whose code was accepted: each code works once.
  package var lastCounter: Int64
  /// When it was enrolled.
  package var createdAt: UnixTime

  /// Creates a record.
  package init(userID: UserID, keyID: String, secretSealed: String, lastCounter: Int64, createdAt: UnixTime) {
    self.userID = userID
    self.keyID = keyID
    self.secretSealed = secretSealed
    self.lastCounter = lastCounter
    self.createdAt = createdAt
  }
}

/// A single-use recovery code, kept as a keyed hash (`SecretHasher`).
package struct RecoveryCodeRecord: Sendable, Hashable {
  /// HMAC-SHA-256 of the normalised code, hex.
  package var codeHash: String
  /// The server key of the hash.
  package var hashKeyID: String

  /// Creates a record.
  package init(codeHash: String, hashKeyID: String) {
    self.codeHash = codeHash
    self.hashKeyID = hashKeyID
  }
}

/// A registered passkey (WebAuthn public-key credential).
package struct PasskeyRecord: Sendable, Hashable {
  /// The credential id, base64url without padding.
  package var credentialID: String
  /// Whose it is.
  package var userID: UserID
  /// The name the user gave it.
  package var name: String
  /// The COSE algorithm (-7 ES256, -8 EdDSA).
  package var algorithm: Int64
  /// The public key: x then y for ES256, the 32-byte key for EdDSA, hex.
  package var publicKey: String
  /// The authenticator's signature counter last seen.
  package var signCount: Int64
  /// Whether the authenticator verified the user (PIN, biometrics) at registration.
  package var userVerified: Bool
  /// When it was registered.
  package var createdAt: UnixTime
  /// When it last signed a sign-in.
  package var lastUsedAt: UnixTime?

  /// Creates a record.
  package init(
    credentialID: String, userID: UserID, name: String, algorithm: Int64, publicKey: String, signCount: Int64,
    userVerified: Bool, createdAt: UnixTime, lastUsedAt: UnixTime? = nil
  ) {
    self.credentialID = credentialID
    self.userID = userID
    self.name = name
    self.algorithm = algorithm
    self.publicKey = publicKey
    self.signCount = signCount
    self.userVerified = userVerified
    self.createdAt = createdAt
    self.lastUsedAt = lastUsedAt
  }
}
