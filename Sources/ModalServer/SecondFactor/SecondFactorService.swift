/// Second factors of dashboard users: TOTP with recovery codes (here) and passkeys
/// (`PasskeyService`), and the short-lived pending sign-in between the password and the second step.
///
/// The TOTP secret is sealed with the server's encryption subkey (like secret values), so the
/// database alone does not give codes; recovery codes are kept as keyed hashes (`SecretHasher`).
package struct SecondFactorService: Sendable {
  let dependencies: Dependencies
  /// How long the second step may take after a correct password, in seconds.
  package static let pendingLifetime: Int64 = 5 * 60
  /// How many recovery codes an enrolment gives.
  package static let recoveryCodeCount = 10

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  private var store: any Store { dependencies.store }
  private var hasher: SecretHasher { SecretHasher(keys: dependencies.keys) }

  /// What a user has enrolled.
  package struct Enrolment: Sendable {
    /// Whether a TOTP secret is enrolled.
    package let totp: Bool
    /// Recovery codes not used yet.
    package let recoveryCodesLeft: Int
    /// Registered passkeys.
    package let passkeys: [PasskeyRecord]

    /// Whether the user has any second factor.
    package var any: Bool { totp || !passkeys.isEmpty }
  }

  /// The user's second factors.
  package func enrolment(of user: User) async throws(ServerError) -> Enrolment {
    let totp = try await store.totpSecret(userID: user.id)
    let codes = try await store.unusedRecoveryCodes(userID: user.id)
    let passkeys = try await store.passkeys(userID: user.id)
    return Enrolment(totp: totp != nil, recoveryCodesLeft: totp == nil ? 0 : codes.count, passkeys: passkeys)
  }

  // MARK: TOTP enrolment

  /// A new random TOTP secret.
  package static func newSecret() -> [UInt8] { Sodium.randomBytes(TOTP.secretLength) }

  /// The secret sealed for the enrolment form (bound to the user), so the browser holds it between
  /// the page that shows it and the confirming code without it being chosen or swapped.
  package func sealForEnrolment(_ secret: [UInt8], user: User) -> String {
    let bound = Array(("totp-enrol:" + user.id.rawValue + ":").utf8) + secret
    return Hex.encode(Sodium.seal(bound, key: dependencies.keys.current.encryption))
  }

  /// The secret sealed by `sealForEnrolment` for `user`, or `nil`.
  package func openEnrolment(_ sealed: String, user: User) -> [UInt8]? {
    let prefix = Array(("totp-enrol:" + user.id.rawValue + ":").utf8)
    guard let bytes = Hex.decode(sealed), let plain = Sodium.open(bytes, key: dependencies.keys.current.encryption),
      plain.count == prefix.count + TOTP.secretLength, Array(plain.prefix(prefix.count)) == prefix
    else { return nil }
    return Array(plain.dropFirst(prefix.count))
  }

  /// Enrols `secret` once `code` shows the user's app has it; returns the new recovery codes
  /// (shown once, stored only as hashes). `invalidArgument` when the code is wrong.
  package func enrolTOTP(user: User, secret: [UInt8], code: String, by actor: AuditActor) async throws(ServerError)
    -> [String]
  {
    let now = dependencies.clock.now()
    guard let counter = TOTP.matchingCounter(Self.digits(code), secret: secret, at: now.wholeSeconds) else {
      throw ServerError(.invalidArgument, "That code is not the current one; check the phone's clock and try again.")
    }
    let codes = (0..<Self.recoveryCodeCount).map { _ in Self.newRecoveryCode() }
    let sealed = Sodium.seal(secret, key: dependencies.keys.current.encryption)
    let record = TOTPRecord(
      userID: user.id, keyID: dependencies.keys.current.id, secretSealed: Hex.encode(sealed), lastCounter: counter,
      createdAt: now)
    let hashes = codes.map { code in
      let hashed = hasher.hash(Self.normalise(code))
      return RecoveryCodeRecord(codeHash: hashed.hash, hashKeyID: hashed.keyID)
    }
    try await store.setTOTPSecret(record, recoveryCodes: hashes, audit: Self.entry(.totpEnrolled, user, by: actor, at: now))
    return codes
  }

  /// Removes TOTP and its recovery codes (after `verify` accepted a code of the user's).
  package func removeTOTP(user: User, by actor: AuditActor) async throws(ServerError) {
    let entry = Self.entry(.totpRemoved, user, by: actor, at: dependencies.clock.now())
    _ = try await store.deleteTOTPSecret(userID: user.id, audit: entry)
  }

  /// An account event of `user`'s (no workspace: it shows in each of the user's workspaces' logs).
  private static func entry(_ action: AuditAction, _ user: User, by actor: AuditActor, at time: UnixTime) -> AuditEntry {
    AuditEntry(action, by: actor, target: .user(user), workspaceID: nil, at: time, subjectUserID: user.id)
  }

  // MARK: Checking a code

  /// Which kind of code was accepted.
  package enum Accepted: Sendable, Equatable {
    /// A current TOTP code (now used).
    case totp
    /// A recovery code (now used).
    case recoveryCode
  }

  /// Checks a TOTP code or a recovery code and uses it up; `nil` when it is neither.
  package func verify(user: User, code: String) async throws(ServerError) -> Accepted? {
    guard let record = try await store.totpSecret(userID: user.id) else { return nil }
    let digits = Self.digits(code)
    if digits.count == TOTP.digits {
      guard let secret = try open(record) else { return nil }
      let now = dependencies.clock.now().wholeSeconds
      guard let counter = TOTP.matchingCounter(digits, secret: secret, at: now) else { return nil }
      return try await store.advanceTOTPCounter(userID: user.id, to: counter) ? .totp : nil
    }
    let normalised = Self.normalise(code)
    guard normalised.count == 10 else { return nil }
    for stored in try await store.unusedRecoveryCodes(userID: user.id)
    where hasher.matches(normalised, storedHash: stored.codeHash, keyID: stored.hashKeyID) {
      let now = dependencies.clock.now()
      let used = try await store.useRecoveryCode(userID: user.id, codeHash: stored.codeHash, at: now)
      return used ? .recoveryCode : nil
    }
    return nil
  }

  private func open(_ record: TOTPRecord) throws(ServerError) -> [UInt8]? {
    guard let key = dependencies.keys.key(id: record.keyID), let sealed = Hex.decode(record.secretSealed),
      let secret = Sodium.open(sealed, key: key.encryption)
    else {
      throw ServerError(.internal, "A TOTP secret could not be decrypted (damaged, or the wrong key file).")
    }
    return secret
  }

  /// The code without spaces (apps show `123 456`).
  static func digits(_ code: String) -> String { code.filter { $0 != " " } }

  /// A recovery code as compared: lower case, without dashes and spaces.
  static func normalise(_ code: String) -> String {
    String(code.lowercased().filter { $0 != "-" && $0 != " " }.prefix(64))
  }

  /// `xxxxx-xxxxx` from a 32-letter alphabet without look-alikes (50 bits).
  static func newRecoveryCode() -> String {
    let letters = RandomText.string(count: 10, alphabet: Array("abcdefghjkmnpqrstuvwxyz23456789"))
    return String(letters.prefix(5)) + "-" + String(letters.suffix(5))
  }

  // MARK: Pending sign-in

  /// A pending sign-in cookie for `user`: `<user id>.<expiry µs>.<HMAC>`, signed with the hashing
  /// key; it is not a session and opens nothing but the second step.
  package func pendingSignIn(for user: User) -> String {
    let expires = dependencies.clock.now().adding(seconds: Self.pendingLifetime).microseconds
    let payload = "\(user.id.rawValue).\(expires)"
    return payload + "." + pendingMAC(payload)
  }

  /// The user of a live, untampered pending sign-in cookie, or `nil`.
  package func pendingUser(_ cookie: String?) async throws(ServerError) -> User? {
    guard let cookie, cookie.utf8.count <= 200 else { return nil }
    let parts = cookie.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 3, let expires = Int64(parts[1]), let given = Hex.decode(parts[2]),
      let expected = Hex.decode(pendingMAC(parts[0] + "." + parts[1])), Sodium.constantTimeEqual(given, expected),
      expires > dependencies.clock.now().microseconds
    else { return nil }
    return try await store.user(id: UserID(rawValue: parts[0]))
  }

  private func pendingMAC(_ payload: String) -> String {
    let message = Array(("pending-sign-in:" + payload).utf8)
    return Hex.encode(Sodium.hmacSHA256(key: dependencies.keys.current.hashing, message: message))
  }
}
