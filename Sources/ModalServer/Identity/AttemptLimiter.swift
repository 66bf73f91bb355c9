/// Counts failures per key in a sliding window and locks a key after too many (login attempts per
/// account, code guesses per account and per session). The failures live in the store, so the
/// limit holds across every replica; keys are stored as keyed hashes, never as emails or session
/// bindings.
package struct AttemptLimiter: Sendable {
  private let limit: Int
  private let window: Int64
  private let dependencies: Dependencies

  /// At most `limit` failures per `windowSeconds` per key.
  package init(limit: Int, windowSeconds: Int64, dependencies: Dependencies) {
    self.limit = limit
    self.window = windowSeconds
    self.dependencies = dependencies
  }

  /// Counts an attempt before it is checked, then says whether the key is over its limit: when
  /// unlock comes, or `nil` if this attempt may go ahead. Recording first means that concurrent
  /// attempts cannot all pass a check that none of them has counted yet; a successful attempt
  /// is forgotten with `reset(_:)`.
  package func attempt(_ key: String) async throws(ServerError) -> UnixTime? {
    try await count(key).lockedUntil
  }

  /// Counts an attempt before it is checked, like `attempt(_:)`; an attempt that turns out right
  /// is taken back with `forget(_:)`, so only wrong ones stay counted.
  package func count(_ key: String) async throws(ServerError) -> CountedAttempt {
    let store = dependencies.store
    let hashed = hash(key)
    let now = dependencies.clock.now()
    try await store.recordFailure(key: hashed, at: now)
    let since = now.adding(seconds: -window)
    let recent = try await store.failures(key: hashed, since: since, limit: limit + 1)
    let lockedUntil = recent.count > limit ? recent.first?.adding(seconds: window) : nil
    return CountedAttempt(lockedUntil: lockedUntil, recent: recent, keyHash: hashed, time: now)
  }

  /// The key's attempts in the window, newest first (at most the limit + 1), without counting one.
  package func recent(_ key: String) async throws(ServerError) -> [UnixTime] {
    let store = dependencies.store
    let since = dependencies.clock.now().adding(seconds: -window)
    return try await store.failures(key: hash(key), since: since, limit: limit + 1)
  }

  /// Takes back an attempt counted with `count(_:)` that turned out right.
  package func forget(_ attempt: CountedAttempt) async throws(ServerError) {
    let store = dependencies.store
    try await store.forgetFailure(key: attempt.keyHash, at: attempt.time)
  }

  /// Forgets a key's failures (after a success).
  package func reset(_ key: String) async throws(ServerError) {
    let store = dependencies.store
    let hashed = hash(key)
    try await store.clearFailures(key: hashed)
  }

  private func hash(_ key: String) -> String { SecretHasher(keys: dependencies.keys).hash("attempts:" + key).hash }
}

/// An attempt counted before it was checked (`AttemptLimiter.count(_:)`).
package struct CountedAttempt: Sendable {
  /// When the key unlocks if this attempt went over the limit (it must then not go ahead), else `nil`.
  package let lockedUntil: UnixTime?
  /// The key's attempts in the window, newest first, this one included (at most the limit + 1).
  package let recent: [UnixTime]
  fileprivate let keyHash: String
  fileprivate let time: UnixTime
}
