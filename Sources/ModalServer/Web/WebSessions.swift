import Dispatch
import RPC

/// Dashboard sign-in sessions and their CSRF tokens.
///
/// A session id is `ms-` + 32 base62 characters (≈190 bits) from libsodium's CSPRNG, sent only in
/// an `HttpOnly` cookie; the store keeps its keyed hash. The CSRF token of a session is an HMAC of
/// its id under the server's hashing key (synchronizer token: tied to the session, secret, never
/// stored). Before sign-in, a pre-session cookie plays the same role for the login and sign-up forms.
package struct WebSessions: Sendable {
  let dependencies: Dependencies
  /// How long a session lasts, in seconds.
  package var lifetime: Int64 = 12 * 3600

  /// The session cookie's name.
  package static let cookieName = "modal_session"
  /// The pre-session cookie's name (login CSRF).
  package static let preSessionCookieName = "modal_presession"

  /// Creates the session service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// A signed-in session: its id (the cookie value) and its user.
  package struct Session: Sendable {
    /// The cookie value.
    package let id: String
    /// Who is signed in.
    package let user: User
  }

  /// Whether `text` has the shape of a session or pre-session id.
  static func isWellFormed(_ text: String, prefix: String) -> Bool {
    text.utf8.count == prefix.utf8.count + 32 && text.hasPrefix(prefix) && RandomText.isBase62(text.dropFirst(prefix.count))
  }

  /// A new pre-session id (`mp-` + 32 base62); never stored.
  static func newPreSessionID() -> String { "mp-" + RandomText.base62(count: 32) }

  /// Starts a session for `user`; returns its id.
  func create(for user: User) async throws(ServerError) -> String {
    let id = "ms-" + RandomText.base62(count: 32)
    let now = dependencies.clock.now()
    let record = SessionRecord(idHash: hash(id), userID: user.id, createdAt: now, expiresAt: now.adding(seconds: lifetime))
    try await dependencies.store.insertSession(record)
    return id
  }

  /// The live session with this id, or `nil` (unknown, malformed, expired, or its user is gone).
  func find(_ id: String?) async -> Session? {
    guard let id, Self.isWellFormed(id, prefix: "ms-") else { return nil }
    let store = dependencies.store
    guard let record = try? await store.session(idHash: hash(id)), record.expiresAt > dependencies.clock.now(),
      let user = try? await store.user(id: record.userID)
    else { return nil }
    return Session(id: id, user: user)
  }

  /// Ends a session (nothing happens for an unknown id).
  func end(_ id: String) async {
    guard Self.isWellFormed(id, prefix: "ms-") else { return }
    try? await dependencies.store.deleteSession(idHash: hash(id))
  }

  /// The CSRF token for a session or pre-session id.
  func csrfToken(for id: String) -> String {
    Hex.encode(Sodium.hmacSHA256(key: dependencies.keys.current.hashing, message: Array(("csrf:" + id).utf8)))
  }

  /// Whether `token` is the CSRF token of `id` (constant-time).
  func checkCSRF(_ token: String?, for id: String) -> Bool {
    guard let token, token.utf8.count == 64, let given = Hex.decode(token) else { return false }
    return Sodium.constantTimeEqual(given, Hex.decode(csrfToken(for: id)) ?? [])
  }

  private func hash(_ id: String) -> String { SecretHasher(keys: dependencies.keys).hash(id).hash }
}

/// Runs argon2id off Swift's cooperative pool, at most two at a time (each uses 64 MiB).
enum PasswordWork {
  private static let slots = DispatchSemaphore(value: 2)
  /// A hash of a random password, verified against for unknown users so every failure costs the same.
  private static let dummyHash: String? = try? PasswordHasher().hash(RandomText.base62(count: 24))

  /// Runs `body` on a thread of its own once one of the two slots is free.
  static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await BlockingWork.run(label: "modal-server.passwords") {
      slots.wait()
      defer { slots.signal() }
      return body()
    }
  }

  /// The argon2id hash of `password`, or `nil` if hashing failed.
  static func hash(_ password: String) async -> String? {
    await run {
      let hashed: String?
      do {
        hashed = try PasswordHasher().hash(password)
      } catch {
        hashed = nil
      }
      return hashed
    }
  }

  /// Whether `password` matches `hash`; with `nil` (unknown user, no password) it spends the same
  /// time and returns `false`.
  static func verify(_ password: String, hash: String?) async -> Bool {
    await run {
      guard let hash else {
        if let dummyHash { _ = PasswordHasher().verify(password, against: dummyHash) }
        return false
      }
      return PasswordHasher().verify(password, against: hash)
    }
  }
}
