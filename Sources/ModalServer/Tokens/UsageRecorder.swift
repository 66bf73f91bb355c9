/// Remembers when tokens and secrets were last used, in memory, so a request never waits for a
/// write; `flush` writes the batch in one transaction (the server calls it periodically and at shutdown).
public actor UsageRecorder {
  private var tokens: [String: UnixTime] = [:]
  private var secrets: [String: UnixTime] = [:]

  /// Creates an empty recorder.
  public init() {}

  /// Notes that a token was used at `time`.
  public func tokenUsed(_ id: String, at time: UnixTime) {
    if let known = tokens[id], known >= time { return }
    tokens[id] = time
  }

  /// Notes that a secret was used at `time`.
  public func secretUsed(_ id: String, at time: UnixTime) {
    if let known = secrets[id], known >= time { return }
    secrets[id] = time
  }

  /// The unflushed last-used time of a token, if any.
  public func pendingTokenUse(_ id: String) -> UnixTime? { tokens[id] }

  /// The unflushed last-used time of a secret, if any.
  public func pendingSecretUse(_ id: String) -> UnixTime? { secrets[id] }

  /// Writes the buffered times to `store`; on failure they are kept for the next flush.
  /// Returns how many were written.
  @discardableResult
  public func flush(to store: any Store) async throws -> Int {
    let tokenBatch = tokens
    let secretBatch = secrets
    if tokenBatch.isEmpty && secretBatch.isEmpty { return 0 }
    tokens = [:]
    secrets = [:]
    do {
      try await store.recordUsage(tokens: tokenBatch, secrets: secretBatch)
    } catch {
      for (id, time) in tokenBatch { tokenUsed(id, at: time) }
      for (id, time) in secretBatch { secretUsed(id, at: time) }
      throw error
    }
    return tokenBatch.count + secretBatch.count
  }
}
