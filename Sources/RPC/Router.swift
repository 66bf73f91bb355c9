import TextSearch

/// Handles a unary call: gets the request message and returns the response message; throws
/// `RPCError` to end the call with that status.
public typealias UnaryHandler = @Sendable (_ request: [UInt8], _ context: ServerContext) async throws -> [UInt8]

/// Answers a unary call at once, on the server's poller thread, when it can: returns the response
/// message, or `nil` when the call needs its asynchronous handler, which then runs as usual with
/// the same context. Throws `RPCError` to end the call with that status. It runs outside any task
/// and must neither block nor wait for anything: while it runs, no other call of its queue moves.
public typealias ImmediateUnaryHandler = @Sendable (_ request: [UInt8], _ context: ServerContext) throws -> [UInt8]?

/// Handles a server-streaming call: gets the request message and writes any number of response
/// messages; returning ends the call OK, throwing `RPCError` ends it with that status.
public typealias ServerStreamingHandler =
  @Sendable (_ request: [UInt8], _ writer: ServerStreamWriter, _ context: ServerContext) async throws -> Void

/// The methods a server serves, by full method path ("/package.Service/Method").
public struct Router: Sendable {
  enum Handler: Sendable {
    /// A unary method; with `immediate`, tried first on the poller thread (no task at all when it
    /// answers).
    case unary(UnaryHandler, immediate: ImmediateUnaryHandler?)
    case serverStreaming(ServerStreamingHandler)
  }

  private(set) var handlers: [String: Handler] = [:] {
    didSet {
      routes = handlers.map { (path: $0.key, handler: $0.value) }
        .sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }
  }
  /// The paths and their handlers in byte order, for `route(for:)`.
  private var routes: [(path: String, handler: Handler)] = []

  /// Creates an empty router (every call gets `UNIMPLEMENTED`).
  public init() {}

  /// Registers a unary method, replacing any handler for the same path.
  public mutating func unary(_ path: String, _ handler: @escaping UnaryHandler) {
    handlers[path] = .unary(handler, immediate: nil)
  }

  /// Registers a unary method that can often answer without waiting (a remembered caller's
  /// request that needs no store): each call first goes to `immediate` on the server's poller
  /// thread, and only if that returns `nil` does `handler` run, in a task of its own as usual.
  /// An answer from `immediate` costs no task, no job and no async frame.
  public mutating func unary(
    _ path: String, immediate: @escaping ImmediateUnaryHandler, _ handler: @escaping UnaryHandler
  ) {
    handlers[path] = .unary(handler, immediate: immediate)
  }

  /// Registers a server-streaming method, replacing any handler for the same path.
  public mutating func serverStreaming(_ path: String, _ handler: @escaping ServerStreamingHandler) {
    handlers[path] = .serverStreaming(handler)
  }

  /// The registered method paths, sorted.
  public var paths: [String] { handlers.keys.sorted() }

  func handler(for path: String) -> Handler? {
    handlers[path]
  }

  /// The registered path equal to `bytes` (the method the core read from the request) and its
  /// handler, found by binary search over the bytes: the path the call gets is the registered
  /// string, so no string is made and none hashed per call.
  func route(for bytes: UnsafeBufferPointer<UInt8>) -> (path: String, handler: Handler)? {
    var low = 0
    var high = routes.count
    while low < high {
      let middle = (low + high) / 2
      let order = routes[middle].path.utf8Order(comparedTo: bytes)
      if order == 0 { return routes[middle] }
      if order < 0 { low = middle + 1 } else { high = middle }
    }
    return nil
  }
}
