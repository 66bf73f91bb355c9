import CGRPC

/// Process-wide initialisation of the gRPC C core.
///
/// The core is loaded with `dlopen` on first use (see the CGRPC shim), so programs that never make
/// a call do not pay for loading it. `grpc_init` is called exactly once, the first time any
/// channel or server is created; the
/// library is never shut down (process exit releases it). The core's own log lines (for example
/// "Handshake failed" on stderr) are dropped unless `GRPC_VERBOSITY` is set in the environment:
/// every failure they describe reaches the caller as an `RPCError` anyway. absl's mutex deadlock
/// detection, a debugging aid that builds of absl without `NDEBUG` run on every lock, is turned off.
package enum GRPCRuntime {
  /// Loads and initialises the core on first use; cheap afterwards.
  ///
  /// - Throws: `RPCConfigurationError` with code `coreUnavailable` when libgrpc cannot be loaded.
  static func ensureInitialized() throws(RPCConfigurationError) {
    guard initialized else {
      let reason = cgrpc_load_error().map { String(cString: $0) } ?? "a gRPC function is missing from the library"
      throw RPCConfigurationError(
        code: .coreUnavailable,
        message: "the gRPC core library could not be loaded (\(reason)); install it: apt-get install libgrpc29 on Debian, brew install grpc on macOS")
    }
  }

  /// Whether absl's mutex deadlock detection is off: loads the core, and turns it off again if it
  /// was (which changes nothing), so it reports what loading the core did.
  package static let ignoresDeadlockCycles: Bool = {
    guard (try? ensureInitialized()) != nil else { return false }
    return cgrpc_absl_ignore_deadlock_cycles() != 0
  }()

  private static let initialized: Bool = {
    guard cgrpc_is_available() != 0 else { return false }
    _ = cgrpc_absl_ignore_deadlock_cycles()
    cgrpc_grpc_init()()
    if getenv("GRPC_VERBOSITY") == nil {
      cgrpc_gpr_set_log_function()({ _ in })
    }
    return true
  }()

  /// The version string of the linked gRPC C core (for example "29.0.0").
  static var coreVersion: String {
    String(cString: cgrpc_grpc_version_string()()!)
  }
}

/// Wraps a value that is safe to send between threads by construction (C handles owned by one
/// object and used only as the gRPC core's thread-safety rules allow).
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
