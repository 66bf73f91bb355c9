/// Dashboard sign-in sessions: started after a password check, found by their cookie, ended on log-out.
///
/// A session id is `ms-` + 32 base62 characters (≈190 bits) from libsodium's CSPRNG, sent only in
/// an `HttpOnly` cookie; the store keeps its keyed hash, never the id.
package struct SessionService: Sendable {
  let dependencies: Dependencies
  /// How long a session lasts, in seconds.
  package var lifetime: Int64 = 12 * 3600

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// A signed-in session: its id (the cookie value) and its user.
  package struct Session: Sendable {
    /// The cookie value.
    package let id: String
    /// Who is signed in.
    package let user: User
    /// When the user last proved a second factor in this session, if ever.
    package let secondFactorAt: UnixTime?
  }

  /// Whether `text` has the shape of a session (`ms-`) or pre-session (`mp-`) id.
  package static func isWellFormed(_ text: String, prefix: String) -> Bool {
    text.utf8.count == prefix.utf8.count + 32 && text.hasPrefix(prefix)
      && RandomText.isBase62(text.dropFirst(prefix.count))
  }

  /// Starts a session for `user` (who proved a second factor just now when `secondFactor`), signed
  /// in from the browser at `peer`, and records `signin.succeeded`; returns its id.
  package func create(for user: User, secondFactor: Bool = false, peer: String) async throws(ServerError) -> String {
    let id = "ms-" + RandomText.base62(count: 32)
    let now = dependencies.clock.now()
    let record = SessionRecord(
      idHash: hash(id), userID: user.id, createdAt: now, expiresAt: now.adding(seconds: lifetime),
      secondFactorAt: secondFactor ? now : nil)
    let entry = AuditEntry(
      .signInSucceeded, by: .webUser(user, peer: peer), target: .user(user), workspaceID: nil, at: now,
      detail: ["second_factor": secondFactor ? "yes" : "no"], subjectUserID: user.id)
    try await dependencies.store.insertSession(record, audit: entry)
    return id
  }

  /// The live session with this id, or `nil` (unknown, malformed, expired, or its user is gone).
  /// A failing store throws: that is not the same as being signed out.
  package func find(_ id: String?) async throws(ServerError) -> Session? {
    guard let id, Self.isWellFormed(id, prefix: "ms-") else { return nil }
    let store = dependencies.store
    guard let record = try await store.session(idHash: hash(id)), record.expiresAt > dependencies.clock.now() else {
      return nil
    }
    guard let user = try await store.user(id: record.userID) else { return nil }
    return Session(id: id, user: user, secondFactorAt: record.secondFactorAt)
  }

  /// Records that the session's user just proved a second factor (for actions that need a fresh one).
  package func markSecondFactor(_ id: String) async throws(ServerError) {
    guard Self.isWellFormed(id, prefix: "ms-") else { return }
    try await dependencies.store.markSecondFactor(sessionIDHash: hash(id), at: dependencies.clock.now())
  }

  /// Ends a session (nothing happens for an unknown id).
  package func end(_ id: String) async throws(ServerError) {
    guard Self.isWellFormed(id, prefix: "ms-") else { return }
    try await dependencies.store.deleteSession(idHash: hash(id))
  }

  private func hash(_ id: String) -> String { SecretHasher(keys: dependencies.keys).hash(id).hash }
}
