import RPC

/// Remembers when tokens and secrets were last used, in memory, so a request never waits for a
/// write; `flush` writes the batch in one transaction (the server calls it periodically and at
/// shutdown). A lock, not an actor: recording is on every authenticated call's path and must not
/// cost a hop to another executor.
package final class UsageRecorder: Sendable {
  private struct Pending {
    var tokens: [TokenID: UnixTime] = [:]
    var secrets: [SecretID: UnixTime] = [:]
  }

  private let pending = Locked(Pending())

  /// Creates an empty recorder.
  package init() {}

  /// Notes that a token was used at `time`.
  package func tokenUsed(_ id: TokenID, at time: UnixTime) {
    pending.withLock { $0.tokens.raise(id, to: time) }
  }

  /// Notes that a secret was used at `time`.
  package func secretUsed(_ id: SecretID, at time: UnixTime) {
    pending.withLock { $0.secrets.raise(id, to: time) }
  }

  /// The unflushed last-used time of a token, if any.
  package func pendingTokenUse(_ id: TokenID) -> UnixTime? { pending.withLock { $0.tokens[id] } }

  /// The unflushed last-used time of a secret, if any.
  package func pendingSecretUse(_ id: SecretID) -> UnixTime? { pending.withLock { $0.secrets[id] } }

  /// Writes the buffered times to `store`; on failure they are kept for the next flush.
  /// Returns how many were written.
  @discardableResult
  package func flush(to store: any Store) async throws(ServerError) -> Int {
    let batch = pending.withLock { state in
      defer { state = Pending() }
      return state
    }
    if batch.tokens.isEmpty && batch.secrets.isEmpty { return 0 }
    do {
      try await store.recordUsage(tokens: batch.tokens, secrets: batch.secrets)
    } catch {
      for (id, time) in batch.tokens { tokenUsed(id, at: time) }
      for (id, time) in batch.secrets { secretUsed(id, at: time) }
      throw error
    }
    return batch.tokens.count + batch.secrets.count
  }
}

extension Dictionary where Value: Comparable {
  /// Sets `key`'s value to `value` unless it is already as large, hashing the key once: every
  /// authenticated call records its token's use.
  fileprivate mutating func raise(_ key: Key, to value: Value) {
    if let index = index(forKey: key) {
      if values[index] < value { values[index] = value }
    } else {
      self[key] = value
    }
  }
}
