import CGRPC

/// Process-wide initialisation of the gRPC C core.
///
/// `grpc_init` is called exactly once, the first time any channel or server is created; the
/// library is never shut down (process exit releases it). The core's own log lines (for example
/// "Handshake failed" on stderr) are dropped unless `GRPC_VERBOSITY` is set in the environment:
/// every failure they describe reaches the caller as an `RPCError` anyway.
enum GRPCRuntime {
  /// Initialises the core on first use; cheap afterwards.
  static func ensureInitialized() {
    _ = initialized
  }

  private static let initialized: Bool = {
    grpc_init()
    if getenv("GRPC_VERBOSITY") == nil {
      gpr_set_log_function { _ in }
    }
    return true
  }()

  /// The version string of the linked gRPC C core (for example "29.0.0").
  static var coreVersion: String {
    String(cString: grpc_version_string())
  }
}

/// Wraps a value that is safe to send between threads by construction (C handles owned by one
/// object and used only as the gRPC core's thread-safety rules allow).
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
