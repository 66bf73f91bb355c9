import Foundation
import ModalJOSE

/// Passkeys (WebAuthn credentials) as a second factor of dashboard users: challenges, registration,
/// sign-in, renaming and removal. The relying party is the dashboard's public URL: its origin is
/// the only one accepted and its host is the relying party id.
///
/// Challenges are 32 random bytes kept only as SHA-256 hashes in the store's
/// `webauthn_challenges` table, so any replica can finish a ceremony another began; each is taken
/// (deleted) by the first answer and lives `challengeLifetime` seconds.
package struct PasskeyService: Sendable {
  let dependencies: Dependencies
  /// How long a challenge may be answered, in seconds.
  package static let challengeLifetime: Int64 = 5 * 60
  /// The most passkeys one user may register.
  package static let maximumPerUser = 10
  /// The longest name of a passkey.
  package static let maximumNameLength = 64

  /// Which ceremony a challenge is for; a challenge of one cannot answer the other.
  package enum Ceremony: String, Sendable {
    /// `navigator.credentials.create`.
    case registration = "register"
    /// `navigator.credentials.get`.
    case signIn = "sign-in"
  }

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  private var store: any Store { dependencies.store }

  /// The checks for the dashboard's public URL; `failedPrecondition` when it has no host.
  package func verifier() throws(ServerError) -> WebAuthnVerifier {
    let url = dependencies.settings.publicURL
    guard let host = URLComponents(string: url)?.host, let origin = Dashboard.origin(of: url) else {
      throw ServerError(
        .failedPrecondition, "Passkeys need the server's public URL (--public-url) to name a host; it is '\(url)'.")
    }
    return WebAuthnVerifier(rpID: host, origin: origin)
  }

  /// A new challenge for `user`'s next `ceremony`.
  package func challenge(for user: User, ceremony: Ceremony) async throws(ServerError) -> [UInt8] {
    let challenge = Sodium.randomBytes(32)
    let expires = dependencies.clock.now().adding(seconds: Self.challengeLifetime)
    try await store.insertChallenge(
      hash: Hex.encode(LibCrypto.sha256(challenge)), userID: user.id, purpose: ceremony.rawValue, expiresAt: expires)
    return challenge
  }

  /// Takes the challenge `clientDataJSON` answers: it must be `user`'s, for `ceremony`, unexpired
  /// and not answered before.
  private func takeChallenge(_ clientDataJSON: [UInt8], user: User, ceremony: Ceremony) async throws(ServerError)
    -> [UInt8]
  {
    let client = try Self.refusing { () throws(WebAuthnRefusal) in try CollectedClientData(clientDataJSON) }
    let owner = try await store.takeChallenge(
      hash: Hex.encode(LibCrypto.sha256(client.challenge)), purpose: ceremony.rawValue, now: dependencies.clock.now())
    guard owner == user.id else { throw Self.error(.wrongChallenge) }
    return client.challenge
  }

  /// Registers the credential of a `navigator.credentials.create` response under `name`.
  package func register(user: User, name: String, clientDataJSON: [UInt8], attestationObject: [UInt8])
    async throws(ServerError) -> PasskeyRecord
  {
    let name = try Self.checkedName(name)
    let challenge = try await takeChallenge(clientDataJSON, user: user, ceremony: .registration)
    let verifier = try verifier()
    let registration = try Self.refusing { () throws(WebAuthnRefusal) in
      try verifier.verifyRegistration(
        clientDataJSON: clientDataJSON, attestationObject: attestationObject, challenge: challenge)
    }
    guard try await store.passkeys(userID: user.id).count < Self.maximumPerUser else {
      throw ServerError(.resourceExhausted, "An account can have \(Self.maximumPerUser) passkeys; remove one first.")
    }
    let record = PasskeyRecord(
      credentialID: Base64URL.encode(registration.credentialID), userID: user.id, name: name,
      algorithm: registration.publicKey.algorithm, publicKey: registration.publicKey.storedHex,
      signCount: Int64(registration.signCount), userVerified: registration.userVerified,
      createdAt: dependencies.clock.now())
    try await store.insertPasskey(record)
    return record
  }

  /// Checks a `navigator.credentials.get` response from one of `user`'s passkeys and records its
  /// use; returns the passkey.
  package func authenticate(
    user: User, credentialID: String, clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8]
  ) async throws(ServerError) -> PasskeyRecord {
    let challenge = try await takeChallenge(clientDataJSON, user: user, ceremony: .signIn)
    guard credentialID.utf8.count <= 2048, let record = try await store.passkey(credentialID: credentialID),
      record.userID == user.id
    else { throw Self.error(.unknownCredential) }
    guard let key = COSEKey(algorithm: record.algorithm, storedHex: record.publicKey) else {
      throw ServerError(.internal, "A stored passkey's public key is damaged; remove the passkey and add it again.")
    }
    let verifier = try verifier()
    let assertion = try Self.refusing { () throws(WebAuthnRefusal) in
      try verifier.verifyAssertion(
        clientDataJSON: clientDataJSON, authenticatorData: authenticatorData, signature: signature,
        challenge: challenge, key: key, storedSignCount: UInt32(clamping: record.signCount))
    }
    // The store moves the counter only forward, so of two answers racing with one counter value
    // only the first is recorded.
    let now = dependencies.clock.now()
    guard try await store.usePasskey(credentialID: record.credentialID, signCount: Int64(assertion.signCount), at: now)
    else { throw Self.error(.counterRegressed) }
    return record
  }

  /// Renames one of `user`'s passkeys; `notFound` when it is not theirs.
  package func rename(user: User, credentialID: String, to name: String) async throws(ServerError) {
    let name = try Self.checkedName(name)
    guard try await store.renamePasskey(credentialID: credentialID, userID: user.id, name: name) else {
      throw ServerError(.notFound, "That passkey is not registered for this account.")
    }
  }

  /// Removes one of `user`'s passkeys; `notFound` when it is not theirs.
  package func remove(user: User, credentialID: String) async throws(ServerError) {
    guard try await store.deletePasskey(credentialID: credentialID, userID: user.id) else {
      throw ServerError(.notFound, "That passkey is not registered for this account.")
    }
  }

  /// A name as stored: trimmed, 1 to `maximumNameLength` characters without control characters.
  static func checkedName(_ name: String) throws(ServerError) -> String {
    let trimmed = name.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty, trimmed.count <= maximumNameLength,
      !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    else {
      throw ServerError(
        .invalidArgument, "A passkey name is 1 to \(maximumNameLength) characters, without control characters.")
    }
    return trimmed
  }

  /// A refusal as the error the dashboard shows (`unauthenticated`, with the refusal's message).
  static func error(_ refusal: WebAuthnRefusal) -> ServerError { ServerError(.unauthenticated, refusal.message) }

  private static func refusing<T>(_ body: () throws(WebAuthnRefusal) -> T) throws(ServerError) -> T {
    do { return try body() } catch { throw Self.error(error) }
  }
}
