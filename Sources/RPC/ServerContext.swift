/// What a method handler knows about its call, and the response metadata it sets.
public final class ServerContext: Sendable {
  /// The full method path, for example "/modal.client.ModalClient/ClientHello".
  public let method: String
  /// The `:authority` the client sent.
  public let authority: String
  /// The client's address, for example "ipv4:127.0.0.1:53422".
  public let peer: String
  /// The request headers.
  public let requestMetadata: Metadata
  /// When the client's deadline expires (`nil` if it set none).
  ///
  /// The core enforces it: the call is cancelled with `DEADLINE_EXCEEDED` at that moment.
  public let deadline: ContinuousClock.Instant?

  /// What handlers and the call change after the call arrived (one lock: one allocation per call).
  private struct Mutable {
    var initialMetadata = Metadata()
    var trailingMetadata = Metadata()
    /// Trailers sent before `trailingMetadata`, laid out once for many calls.
    var preparedTrailers: PreparedMetadata?
    var initialMetadataSent = false
    var cancelled = false
    /// Work waiting for the status to be handed to the transport (`afterReply(_:)`).
    var afterReply: (@Sendable () -> Void)?
    /// Whether it was: later work runs at once.
    var replied = false
  }

  private let response = Locked(Mutable())

  init(method: String, authority: String, peer: String, requestMetadata: Metadata, deadline: ContinuousClock.Instant?) {
    self.method = method
    self.authority = authority
    self.peer = peer
    self.requestMetadata = requestMetadata
    self.deadline = deadline
  }

  /// The time left before the deadline (`nil` if none; zero or negative once passed).
  public var timeRemaining: Duration? {
    deadline.map { $0 - ContinuousClock.now }
  }

  /// Whether the call was cancelled by the client, its deadline or a server shutdown.
  ///
  /// The handler's task is cancelled at the same moment.
  public var isCancelled: Bool {
    response.withLock { $0.cancelled }
  }

  /// Response headers, sent with the first response message (or with the status).
  ///
  /// Changes after they were sent are ignored.
  public var initialMetadata: Metadata {
    get { response.withLock { $0.initialMetadata } }
    set { response.withLock { $0.initialMetadata = newValue } }
  }

  /// Trailers, sent with the status.
  public var trailingMetadata: Metadata {
    get {
      let (prepared, rest) = trailersForSending()
      guard let prepared else { return rest }
      var all = prepared.metadata
      all.add(contentsOf: rest)
      return all
    }
    set {
      response.withLock { state in
        state.preparedTrailers = nil
        state.trailingMetadata = newValue
      }
    }
  }

  /// Appends a response header (ignored once headers were sent).
  public func addInitialMetadata(_ key: String, _ value: String) {
    response.withLock { $0.initialMetadata.add(key, value) }
  }

  /// Appends a trailer.
  public func addTrailingMetadata(_ key: String, _ value: String) {
    response.withLock { $0.trailingMetadata.add(key, value) }
  }

  /// Appends trailers laid out once for many calls: as the first trailers of the call, they cost
  /// no copy when sent.
  package func addTrailingMetadata(_ prepared: PreparedMetadata) {
    response.withLock { state in
      if state.preparedTrailers == nil && state.trailingMetadata.isEmpty {
        state.preparedTrailers = prepared
      } else {
        state.trailingMetadata.add(contentsOf: prepared.metadata)
      }
    }
  }

  /// The trailers to send: the prepared ones, then the rest.
  func trailersForSending() -> (prepared: PreparedMetadata?, rest: Metadata) {
    response.withLock { ($0.preparedTrailers, $0.trailingMetadata) }
  }

  /// Runs `work` once the reply is on its way: right after the call's status was handed to the
  /// transport, on the thread that handed it over (the handler's task, for a handler's reply).
  ///
  /// For what the client need not wait for, such as a log line: a latency-bound client otherwise
  /// waits for it on every call. Work added after the status was sent runs at once; work added by
  /// a handler whose call never sends a status (its task never returns) never runs.
  package func afterReply(_ work: @escaping @Sendable () -> Void) {
    let runNow = response.withLock { state -> Bool in
      if state.replied { return true }
      if let earlier = state.afterReply {
        state.afterReply = {
          earlier()
          work()
        }
      } else {
        state.afterReply = work
      }
      return false
    }
    if runNow { work() }
  }

  /// Runs the work that waited for the reply (called once the final batch started, or could not).
  func replied() {
    // Swapped out rather than returned: a closure returned through `withLock`'s generic result
    // would be wrapped in a thunk, one more allocation per call.
    var work: (@Sendable () -> Void)?
    response.withLock { state in
      state.replied = true
      swap(&work, &state.afterReply)
    }
    work?()
  }

  /// Takes the initial metadata to send, once; `nil` if already sent.
  func takeInitialMetadataForSending() -> Metadata? {
    response.withLock { state in
      if state.initialMetadataSent { return nil }
      state.initialMetadataSent = true
      return state.initialMetadata
    }
  }

  func markCancelled() {
    response.withLock { $0.cancelled = true }
  }
}

/// Writes the response messages of a server-streaming call; use it only from the handler's task.
public struct ServerStreamWriter {
  let call: ServerCall
  let context: ServerContext

  /// Sends one response message (with the response headers before the first one).
  ///
  /// Waits until the transport accepted it. Throws `CANCELLED` once the call is over (the client
  /// went away, the deadline passed or the server is shutting down).
  public func write(_ message: [UInt8]) async throws(RPCError) {
    try await call.sendMessage(message, context: context)
  }
}

@available(*, unavailable)
extension ServerStreamWriter: Sendable {}
