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
    var initialMetadataSent = false
    var cancelled = false
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
    get { response.withLock { $0.trailingMetadata } }
    set { response.withLock { $0.trailingMetadata = newValue } }
  }

  /// Appends a response header (ignored once headers were sent).
  public func addInitialMetadata(_ key: String, _ value: String) {
    response.withLock { $0.initialMetadata.add(key, value) }
  }

  /// Appends a trailer.
  public func addTrailingMetadata(_ key: String, _ value: String) {
    response.withLock { $0.trailingMetadata.add(key, value) }
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
