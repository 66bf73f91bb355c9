import RPC

extension ServerError.Code {
  /// The gRPC status code for this error code.
  package var statusCode: Status.Code {
    switch self {
    case .invalidArgument: .invalidArgument
    case .unauthenticated: .unauthenticated
    case .permissionDenied: .permissionDenied
    case .notFound: .notFound
    case .alreadyExists: .alreadyExists
    case .failedPrecondition: .failedPrecondition
    case .unimplemented: .unimplemented
    case .resourceExhausted: .resourceExhausted
    case .aborted: .aborted
    case .internal: .internal
    case .unavailable: .unavailable
    }
  }
}

extension ServerError {
  /// This error as the status a gRPC handler throws.
  package var rpcError: RPCError { RPCError(code: code.statusCode, message: message) }

  /// For failures of the server itself (`internal`, `unavailable`), what a client is told instead of
  /// the details (database hosts, driver messages), which go to the log; `nil` for every other error.
  package var clientFacing: ServerError? {
    switch code {
    case .unavailable:
      ServerError(.unavailable, "The server is busy or cannot reach its database right now; retry in a moment.")
    case .internal:
      ServerError(.internal, "The server failed to handle this call; the failure is in its log. Retry, and tell the server's operator if it keeps failing.")
    default: nil
    }
  }
}
