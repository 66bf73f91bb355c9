#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import ModalAPI
import ProtoWire
import RPC

/// Sends typed calls to Modal's API: headers, retries, failover and error mapping.
///
/// One per client; it holds no mutable state of its own besides the chosen server candidate.
final class ModalTransport: Sendable {
  let endpoints: ServerEndpoints
  let serverURL: String
  let credentials: Credentials?
  let identity: ClientIdentity
  let extraHeaders: [(String, String)]
  let retryPolicy: RetryPolicy
  let profile: String
  let warningHandler: (@Sendable (ServerWarning) -> Void)?

  init(
    serverURL: String, credentials: Credentials?, profile: String, identity: ClientIdentity = ClientIdentity(),
    extraHeaders: [(String, String)] = [], retryPolicy: RetryPolicy = RetryPolicy(),
    channelOptions: ChannelOptions? = nil, warningHandler: (@Sendable (ServerWarning) -> Void)? = nil
  ) throws(ModalError) {
    var options = channelOptions ?? ChannelOptions()
    if options.userAgentPrefix == nil { options.userAgentPrefix = identity.userAgent }
    self.endpoints = try ServerEndpoints(serverURL: serverURL, options: options)
    self.serverURL = serverURL
    self.credentials = credentials
    self.identity = identity
    self.extraHeaders = extraHeaders
    self.retryPolicy = retryPolicy
    self.profile = profile
    self.warningHandler = warningHandler
  }

  /// Makes a call with retries as `options` say, returning the decoded response and its trailers.
  func call<Request, Response>(
    _ method: MethodDescriptor<Request, Response>, _ request: Request, options: CallOptions = .standard,
    extraMetadata: Metadata = Metadata()
  ) async throws(ModalError) -> (response: Response, trailers: Metadata) {
    let payload = request.serializedBytes()
    let idempotencyKey = Self.makeUUID()
    let firstAttempt = ContinuousClock.now
    let timestamp = Self.unixTimestamp()
    var retry = 0
    var throttleRetry = 0
    var throttleWaited = Duration.zero
    let retryPolicy: RetryPolicy?
    switch options.retry {
    case .standard: retryPolicy = self.retryPolicy
    case .none: retryPolicy = nil
    case .custom(let policy): retryPolicy = policy
    }
    while true {
      var metadata = baseMetadata()
      metadata.add(contentsOf: extraMetadata)
      if retryPolicy != nil {
        metadata.add("x-idempotency-key", idempotencyKey)
        metadata.add("x-retry-attempt", String(retry))
        metadata.add("x-throttle-retry-attempt", String(throttleRetry))
        metadata.add("x-modal-timestamp", timestamp)
        if retry > 0 { metadata.add("x-retry-delay", Self.seconds(ContinuousClock.now - firstAttempt)) }
        if throttleRetry > 0 { metadata.add("x-throttle-retry-delay", Self.seconds(throttleWaited)) }
      }
      // With a total timeout, an attempt gets at most the time left (but at least the floor).
      var attemptLimit = options.timeout
      if let total = options.totalTimeout {
        let left = max(total - (ContinuousClock.now - firstAttempt), CallOptions.attemptTimeoutFloor)
        attemptLimit = min(attemptLimit ?? left, left)
      }
      // With a timeout, choosing among several server URLs counts against it.
      let attemptStart = ContinuousClock.now
      let candidate = await endpoints.current(within: attemptLimit)
      let timeout = attemptLimit.map { max(.zero, $0 - (ContinuousClock.now - attemptStart)) }
      do {
        let reply = try await candidate.channel.unary(
          path: method.path, request: payload, metadata: metadata, timeout: timeout)
        report(ServerWarning.fromTrailers(reply.trailingMetadata))
        do {
          return (try Response(serializedBytes: reply.message), reply.trailingMetadata)
        } catch {
          throw ModalError(.serverError, "The server sent a response to \(method.methodName) that cannot be decoded: \(error.message).")
        }
      } catch let failure as RPCError {
        report(ServerWarning.fromTrailers(failure.trailingMetadata))
        if failure.connectionFailure != nil { await endpoints.reset(after: candidate) }
        if Task.isCancelled { throw ModalError(.cancelled, "The call to \(method.methodName) was cancelled.") }
        guard let policy = retryPolicy, failure.code != .unauthenticated, failure.code != .permissionDenied else {
          throw await mapping(candidate).error(for: failure, method: method.methodName)
        }
        if let wait = ServerDirectives(failure).retryAfter {
          let limit = policy.maxThrottleWait
          if limit == nil || throttleWaited + wait <= limit! {
            if outOfTime(options, firstAttempt: firstAttempt, after: wait) {
              throw Self.retriesTimedOut(await mapping(candidate).error(for: failure, method: method.methodName))
            }
            try await sleep(wait, method: method.methodName)
            throttleWaited += wait
            throttleRetry += 1
            continue
          }
        }
        guard policy.isRetryable(failure.code), retry < policy.maxRetries else {
          throw await mapping(candidate).error(for: failure, method: method.methodName)
        }
        retry += 1
        let delay = policy.delay(beforeRetry: retry)
        if outOfTime(options, firstAttempt: firstAttempt, after: delay) {
          throw Self.retriesTimedOut(await mapping(candidate).error(for: failure, method: method.methodName))
        }
        try await sleep(delay, method: method.methodName)
      } catch let error as ModalError {
        throw error
      } catch {
        throw ModalError(.serverError, "\(error)")
      }
    }
  }

  /// Headers every call carries: identity, credentials, the host, and `override_headers`.
  private func baseMetadata() -> Metadata {
    var metadata = Metadata()
    for (name, value) in identity.headers { metadata.add(name, value) }
    if let credentials {
      metadata.add("x-modal-token-id", credentials.tokenID)
      metadata.add("x-modal-token-secret", credentials.tokenSecret)
    }
    for (name, value) in extraHeaders { metadata.replace(name.lowercased(), value) }
    return metadata
  }

  private func mapping(_ candidate: ServerEndpoints.Candidate) async -> ErrorMapping {
    ErrorMapping(credentials: credentials, serverURL: await endpoints.describe(candidate), profile: profile)
  }

  private func report(_ warnings: [ServerWarning]) {
    guard let warningHandler else { return }
    for warning in warnings { warningHandler(warning) }
  }

  /// Whether the call's total timeout leaves no time for another attempt after `delay`.
  private func outOfTime(_ options: CallOptions, firstAttempt: ContinuousClock.Instant, after delay: Duration) -> Bool {
    guard let total = options.totalTimeout else { return false }
    return ContinuousClock.now + delay >= firstAttempt + total
  }

  /// Python's `RetryTimeoutError`, around the last attempt's error (whose fix it keeps).
  private static func retriesTimedOut(_ last: ModalError) -> ModalError {
    ModalError(
      .timeout,
      "The operation timed out after repeated failures (last error: \(last.message)). Please try again, and contact Modal support if the problem persists.",
      remedy: last.remedy)
  }

  private func sleep(_ duration: Duration, method: String) async throws(ModalError) {
    do {
      try await Task.sleep(for: duration)
    } catch {
      throw ModalError(.cancelled, "The call to \(method) was cancelled.")
    }
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
