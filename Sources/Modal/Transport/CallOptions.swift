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

  /// Creates call options.
  public init(retry: Retry = .standard, timeout: Duration? = nil) {
    self.retry = retry
    self.timeout = timeout
  }

  /// Retried with the client's policy, no deadline: most calls.
  public static let standard = CallOptions()
}
