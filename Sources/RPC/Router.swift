/// Handles a unary call: gets the request message and returns the response message; throws
/// `RPCError` to end the call with that status.
public typealias UnaryHandler = @Sendable (_ request: [UInt8], _ context: ServerContext) async throws -> [UInt8]

/// Handles a server-streaming call: gets the request message and writes any number of response
/// messages; returning ends the call OK, throwing `RPCError` ends it with that status.
public typealias ServerStreamingHandler =
  @Sendable (_ request: [UInt8], _ writer: ServerStreamWriter, _ context: ServerContext) async throws -> Void

/// The methods a server serves, by full method path ("/package.Service/Method").
public struct Router: Sendable {
  enum Handler: Sendable {
    case unary(UnaryHandler)
    case serverStreaming(ServerStreamingHandler)
  }

  private(set) var handlers: [String: Handler] = [:]

  /// Creates an empty router (every call gets `UNIMPLEMENTED`).
  public init() {}

  /// Registers a unary method, replacing any handler for the same path.
  public mutating func unary(_ path: String, _ handler: @escaping UnaryHandler) {
    handlers[path] = .unary(handler)
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
}
