import RPC

extension ServerError.Code {
  /// The gRPC status code for this error code.
  public var statusCode: Status.Code {
    switch self {
    case .invalidArgument: .invalidArgument
    case .unauthenticated: .unauthenticated
    case .permissionDenied: .permissionDenied
    case .notFound: .notFound
    case .alreadyExists: .alreadyExists
    case .failedPrecondition: .failedPrecondition
    case .unimplemented: .unimplemented
    case .resourceExhausted: .resourceExhausted
    case .internal: .internal
    case .unavailable: .unavailable
    }
  }
}

extension ServerError {
  /// This error as the status a gRPC handler throws.
  public var rpcError: RPCError { RPCError(code: code.statusCode, message: message) }
}
