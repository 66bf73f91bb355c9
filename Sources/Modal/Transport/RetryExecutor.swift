import RPC

/// Decides, after each failed try of a call, whether to try again: waits the server asks for
/// (throttling, up to `maxThrottleWait`), backoff for retryable codes (up to `maxRetries`), and
/// the call's total timeout. Never retries a call the server refused for its credentials.
struct RetryExecutor {
  /// The policy; nil makes a single try.
  let policy: RetryPolicy?
  let options: CallOptions
  /// The method's name, for messages.
  let methodName: String

  /// Runs `attempt` until it succeeds or may not be tried again; `mapError` turns the last
  /// failure into the error the caller sees.
  func run(
    _ attempt: (RetryState) async throws(CallAttempt.Failure) -> UnaryResponse,
    mapError: (CallAttempt.Failure) async -> ModalError
  ) async throws(ModalError) -> UnaryResponse {
    var state = RetryState(retries: policy != nil)
    while true {
      do {
        return try await attempt(state)
      } catch {
        if Task.isCancelled { throw cancelled() }
        let code = error.rpcError.code
        guard let policy, code != .unauthenticated, code != .permissionDenied else { throw await mapError(error) }
        if let wait = throttleWait(error.rpcError, policy: policy, state: state) {
          if state.outOfTime(options, after: wait) { throw Self.retriesTimedOut(await mapError(error)) }
          try await sleep(wait)
          state.throttleWaited += wait
          state.throttleRetry += 1
          continue
        }
        guard policy.isRetryable(code), state.retry < policy.maxRetries else { throw await mapError(error) }
        state.retry += 1
        let delay = policy.delay(beforeRetry: state.retry)
        if state.outOfTime(options, after: delay) { throw Self.retriesTimedOut(await mapError(error)) }
        try await sleep(delay)
      }
    }
  }

  /// The wait the server asked for, when the policy's throttle budget still allows it.
  private func throttleWait(_ failure: RPCError, policy: RetryPolicy, state: RetryState) -> Duration? {
    guard let wait = ServerDirectives(failure).retryAfter else { return nil }
    if let limit = policy.maxThrottleWait, state.throttleWaited + wait > limit { return nil }
    return wait
  }

  /// Python's `RetryTimeoutError`, around the last attempt's error (whose fix and cause it keeps).
  static func retriesTimedOut(_ last: ModalError) -> ModalError {
    ModalError(
      .timeout,
      "The operation timed out after repeated failures (last error: \(last.message)). Please try again, and contact Modal support if the problem persists.",
      remedy: last.remedy, cause: last.cause)
  }

  private func cancelled() -> ModalError {
    ModalError(.cancelled, "The call to \(methodName) was cancelled.")
  }

  private func sleep(_ duration: Duration) async throws(ModalError) {
    do {
      try await Task.sleep(for: duration)
    } catch {
      throw cancelled()
    }
  }
}
