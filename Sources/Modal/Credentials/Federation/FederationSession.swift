import RPC

/// A federated pair, when to renew it and when it expires; an exchange in flight is joined, not
/// repeated.
///
/// The pair is exchanged again at ``renewalShare`` (80 %) of its lifetime. If that exchange fails while
/// the pair still has time left, callers keep getting the pair, and the exchange is tried again
/// after a growing wait (``retry``: 1 s doubling to 30 s, never past the expiry). Once the pair
/// has expired, calls fail with the last exchange's error and remedy until an exchange succeeds;
/// between tries they fail at once, so a refused exchange is not repeated for every call.
final class FederationSession: Sendable {
  /// What one exchange gives: the pair and how long it lives from the start of the exchange.
  struct Minted: Sendable {
    /// The pair (its `renewAt` is set by the session).
    let credentials: Credentials
    /// The lifetime the server gave it (`expires_in`).
    let lifetime: Duration
  }

  /// The kept pair with its expiry.
  private struct Kept {
    let credentials: Credentials
    let expiresAt: ContinuousClock.Instant
  }

  /// The last failed exchange and when the next may start.
  private struct Failure {
    let error: ModalError
    let count: Int
    let retryAt: ContinuousClock.Instant
  }

  private struct State {
    var kept: Kept?
    var running: Task<Credentials, any Error>?
    var failure: Failure?
  }

  /// The share of a token's lifetime after which it is exchanged again: 4/5, in whole units so
  /// that a renewal time is exact.
  static let renewalShare = (numerator: 4, denominator: 5)
  /// The waits between tries after failed exchanges (its `delay(beforeRetry:)`; `maxRetries` unused).
  let retry: RetryPolicy
  private let now: @Sendable () -> ContinuousClock.Instant
  private let state = Locked(State())

  /// A session; tests give their own clock and waits.
  init(retry: RetryPolicy = FederationSession.defaultRetry, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
    self.retry = retry
    self.now = now
  }

  /// 1 s, doubling to 30 s.
  static let defaultRetry: RetryPolicy = {
    var policy = RetryPolicy()
    policy.baseDelay = .seconds(1)
    policy.maxDelay = .seconds(30)
    return policy
  }()

  /// The kept pair while it is fresh (or, after a failed renewal, until it expires); otherwise
  /// the running exchange's, or a new one's.
  func credentials(exchange: @escaping @Sendable () async throws(ModalError) -> Minted) async throws(ModalError) -> Credentials {
    let task: Task<Credentials, any Error>
    switch next(exchange) {
    case .ready(let credentials): return credentials
    case .failed(let error): throw error
    case .wait(let running): task = running
    }
    switch await CancellableWait.result(of: task) {
    case .success(let credentials): return credentials
    case .failure(let error):
      if let unexpired = unexpiredPair() { return unexpired }
      if let error = error as? ModalError { throw error }
      throw ModalError(.cancelled, "The OIDC token exchange was cancelled.")
    }
  }

  private enum Step {
    case ready(Credentials)
    case failed(ModalError)
    case wait(Task<Credentials, any Error>)
  }

  /// What a caller gets now: the fresh pair, the running exchange, the kept pair or the last
  /// error while waiting to try again, else a new exchange.
  private func next(_ exchange: @escaping @Sendable () async throws(ModalError) -> Minted) -> Step {
    state.withLock { state in
      let now = self.now()
      if let kept = state.kept, let renewAt = kept.credentials.renewAt, now < renewAt { return .ready(kept.credentials) }
      if let running = state.running { return .wait(running) }
      if let failure = state.failure, now < failure.retryAt {
        if let kept = state.kept, now < kept.expiresAt { return .ready(kept.credentials) }
        return .failed(failure.error)
      }
      let task = start(exchange)
      state.running = task
      return .wait(task)
    }
  }

  /// One exchange, whose outcome (a new pair, or a failure and when to try again) is recorded
  /// together with its end, so no caller sees it finished without its outcome.
  private func start(_ exchange: @escaping @Sendable () async throws(ModalError) -> Minted) -> Task<Credentials, any Error> {
    Task { [weak self, now] in
      let started = now()
      do throws(ModalError) {
        let minted = try await exchange()
        let pair = minted.credentials
        let credentials = Credentials(
          tokenID: pair.tokenID, tokenSecret: pair.tokenSecret, source: pair.source,
          renewAt: started + minted.lifetime * Self.renewalShare.numerator / Self.renewalShare.denominator)
        self?.state.withLock { state in
          state.kept = Kept(credentials: credentials, expiresAt: started + minted.lifetime)
          state.failure = nil
          state.running = nil
        }
        return credentials
      } catch {
        self?.recordFailure(error)
        throw error
      }
    }
  }

  private func recordFailure(_ error: ModalError) {
    state.withLock { state in
      let count = (state.failure?.count ?? 0) + 1
      var retryAt = now() + retry.delay(beforeRetry: count)
      // The last try before the pair expires is at its expiry, not a whole wait after it.
      if let kept = state.kept, now() < kept.expiresAt { retryAt = min(retryAt, kept.expiresAt) }
      state.failure = Failure(error: error, count: count, retryAt: retryAt)
      state.running = nil
    }
  }

  /// The kept pair when it has not expired yet.
  private func unexpiredPair() -> Credentials? {
    state.withLock { state in
      guard let kept = state.kept, now() < kept.expiresAt else { return nil }
      return kept.credentials
    }
  }
}
