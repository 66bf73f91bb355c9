/// How one call is made: whether and how it is retried, and its deadline.
public struct CallOptions: Sendable {
  /// Whether and how a call is retried.
  public enum Retry: Sendable, Equatable {
    /// The client's retry policy (Python's defaults, with the configured `max_throttle_wait`).
    case standard
    /// Exactly one attempt and no retry headers (the Python client's `retry=None`).
    case none
    /// A policy of its own for this call.
    case custom(RetryPolicy)
  }

  /// Whether and how the call is retried.
  public var retry: Retry
  /// The deadline of each attempt; nil for none.
  public var timeout: Duration?
  /// How long all attempts and the waits between them may take together (Python's
  /// `total_timeout`); nil for no limit. Each attempt's deadline is then at most the time left,
  /// but never under ``attemptTimeoutFloor``; when no time is left for another attempt the call
  /// fails with `timeout`: "The operation timed out after repeated failures (last error: …)".
  public var totalTimeout: Duration?

  /// The shortest deadline an attempt gets when ``totalTimeout`` is nearly used up (Python's
  /// `attempt_timeout_floor`).
  public static let attemptTimeoutFloor: Duration = .seconds(2)

  /// Creates call options.
  public init(retry: Retry = .standard, timeout: Duration? = nil, totalTimeout: Duration? = nil) {
    self.retry = retry
    self.timeout = timeout
    self.totalTimeout = totalTimeout
  }

  /// Retried with the client's policy, no deadline: most calls.
  public static let standard = CallOptions()
}
