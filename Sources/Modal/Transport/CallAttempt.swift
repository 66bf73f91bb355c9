#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import RPC

/// One try of a unary call: the retry headers of its attempt, its deadline, the choice of server
/// URL, and the call itself.
struct CallAttempt: Sendable {
  /// A failed try: the gRPC error and the server URL it went to (for error texts and failover).
  struct Failure: Error {
    let rpcError: RPCError
    let candidate: ServerEndpoints.Candidate
  }

  let endpoints: ServerEndpoints
  let path: String
  let payload: [UInt8]
  /// The headers every try carries (identity, credentials, `override_headers`).
  let metadata: Metadata
  let options: CallOptions
  /// Mints the OAuth client assertion every try carries anew (each may be used once); nil without one.
  var assertions: OAuthAssertionMinter? = nil

  /// Sends the call once, as the `state`'s attempt.
  func send(_ state: RetryState) async throws(Failure) -> UnaryResponse {
    var metadata = self.metadata
    metadata.add(contentsOf: state.headers())
    if let assertion = assertions?.mint() { metadata.add("x-modal-oauth-client-assertion", assertion) }
    let attemptLimit = state.attemptLimit(options)
    // With a timeout, choosing among several server URLs counts against it.
    let attemptStart = ContinuousClock.now
    let candidate = await endpoints.current(within: attemptLimit)
    let timeout = attemptLimit.map { max(.zero, $0 - (ContinuousClock.now - attemptStart)) }
    do {
      return try await candidate.channel.unary(path: path, request: payload, metadata: metadata, timeout: timeout)
    } catch {
      throw Failure(rpcError: error, candidate: candidate)
    }
  }
}

/// Where a call stands among its tries: what the Python client's retry headers report.
struct RetryState: Sendable {
  /// Whether the call retries at all; without retries it sends no retry headers.
  let retries: Bool
  let idempotencyKey = RetryState.makeUUID()
  let firstAttempt = ContinuousClock.now
  let timestamp = RetryState.unixTimestamp()
  /// Retries after failures so far.
  var retry = 0
  /// Retries after the server asked to wait (throttling) so far.
  var throttleRetry = 0
  /// Time spent waiting as the server asked.
  var throttleWaited = Duration.zero

  /// `x-idempotency-key`, the attempt counters, the first attempt's time and the delays so far.
  func headers() -> Metadata {
    var metadata = Metadata()
    guard retries else { return metadata }
    metadata.add("x-idempotency-key", idempotencyKey)
    metadata.add("x-retry-attempt", String(retry))
    metadata.add("x-throttle-retry-attempt", String(throttleRetry))
    metadata.add("x-modal-timestamp", timestamp)
    if retry > 0 { metadata.add("x-retry-delay", Self.seconds(ContinuousClock.now - firstAttempt)) }
    if throttleRetry > 0 { metadata.add("x-throttle-retry-delay", Self.seconds(throttleWaited)) }
    return metadata
  }

  /// This attempt's time limit: with a total timeout, at most the time left (but at least the
  /// floor), else the per-attempt timeout.
  func attemptLimit(_ options: CallOptions) -> Duration? {
    guard let total = options.totalTimeout else { return options.timeout }
    let left = max(total - (ContinuousClock.now - firstAttempt), CallOptions.attemptTimeoutFloor)
    return min(options.timeout ?? left, left)
  }

  /// Whether the call's total timeout leaves no time for another attempt after `delay`.
  func outOfTime(_ options: CallOptions, after delay: Duration) -> Bool {
    guard let total = options.totalTimeout else { return false }
    return ContinuousClock.now + delay >= firstAttempt + total
  }

  /// A random (version 4) UUID in its usual text form.
  static func makeUUID() -> String {
    var generator = SystemRandomNumberGenerator()
    var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    bytes[6] = (bytes[6] & 0x0F) | 0x40
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
    return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
  }

  /// Seconds since the Unix epoch with microseconds, like Python's `str(time.time())`.
  static func unixTimestamp() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let micros = now.tv_nsec / 1000
    let fraction = String(micros)
    return "\(now.tv_sec)." + String(repeating: "0", count: 6 - fraction.count) + fraction
  }

  /// A duration in seconds with three decimals.
  static func seconds(_ duration: Duration) -> String {
    let millis = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    let fraction = String(millis % 1000)
    return "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
  }
}
