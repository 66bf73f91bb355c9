import RPC

/// The server log's lines for gRPC calls refused before a handler ran.
enum RefusedCallLines {
  /// A hook writing one line per refused call, at most one per 10 seconds (a hostile client can
  /// make thousands a second); the next line says how many were held back.
  static func hook(_ log: @escaping @Sendable (String) -> Void) -> ServerConfiguration.RefusedCallHook {
    let limiter = LogLimiter(interval: .seconds(10), write: log)
    return ServerConfiguration.RefusedCallHook { call in
      limiter.write(line(call))
    }
  }

  /// `grpc refused <method> <CODE> peer=<peer> reason="<why>"` (the log adds the time), request
  /// text escaped.
  static func line(_ call: RefusedCall) -> String {
    "grpc refused \(LogText.field(String(call.method.prefix(200)))) \(call.code) "
      + "peer=\(LogText.field(call.peer)) reason=\"\(LogText.quoted(call.reason))\""
  }
}
