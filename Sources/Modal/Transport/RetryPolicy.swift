import RPC

/// When and how often a failed call is tried again: Python 1.6.4's defaults (0.1 s doubling to 1 s,
/// three retries) on DEADLINE_EXCEEDED, UNAVAILABLE, CANCELLED, INTERNAL and UNKNOWN.
///
/// UNAUTHENTICATED and PERMISSION_DENIED are never retried. Server-directed retries
/// (`RPCRetryPolicy` in the status details) do not count against ``maxRetries``; they stop when
/// the total wait would pass ``maxThrottleWait``.
public struct RetryPolicy: Sendable, Equatable {
  /// The wait before the first retry.
  public var baseDelay: Duration = .milliseconds(100)
  /// The factor applied to the wait after each retry.
  public var delayFactor: Double = 2
  /// The longest wait between retries.
  public var maxDelay: Duration = .seconds(1)
  /// How many times a call is retried after its first attempt.
  public var maxRetries = 3
  /// The longest total time spent waiting on server-directed retries; nil for no limit, zero to
  /// disable them (`MODAL_MAX_THROTTLE_WAIT`).
  public var maxThrottleWait: Duration?

  /// The default policy.
  public init() {}

  /// The status codes worth trying again.
  public static let retryableCodes: Set<Status.Code> = [.deadlineExceeded, .unavailable, .cancelled, .internal, .unknown]

  /// Whether a status code is worth trying again.
  public func isRetryable(_ code: Status.Code) -> Bool { Self.retryableCodes.contains(code) }

  /// The wait before retry number `retry` (1 for the first retry).
  public func delay(beforeRetry retry: Int) -> Duration {
    var delay = baseDelay
    for _ in 1..<max(1, retry) {
      delay = delay * delayFactor
      if delay >= maxDelay { return maxDelay }
    }
    return min(delay, maxDelay)
  }
}
