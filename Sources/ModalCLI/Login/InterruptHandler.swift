import CShims
import RPC

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Turns Ctrl-C (SIGINT), SIGTERM and SIGHUP into the cancellation of a task, so a long poll stops
/// cleanly whichever way it is stopped: the spinner is cleared, the cursor shown, and nothing is
/// written. Restores default handling after.
final class InterruptHandler: @unchecked Sendable {
  /// The signals handled.
  static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
  // Dispatch sources are thread-safe; the property is never reassigned.
  private let sources: [DispatchSignalSource]
  /// The first signal that arrived, if any.
  let received = Locked<Int32?>(nil)

  /// Starts catching the signals and cancelling `task` when one arrives.
  init(cancelling task: Task<Int32, any Error>) {
    let received = self.received
    sources = Self.signals.map { number in
      cshims_ignore_signal(number)
      return DispatchSignalSource(signal: number) {
        received.withLock { if $0 == nil { $0 = number } }
        task.cancel()
      }
    }
  }

  /// Stops catching the signals.
  func remove() {
    for source in sources { source.cancel() }
    for number in Self.signals { cshims_default_signal(number) }
  }

  /// How the signal is named to the user: "Ctrl-C", "SIGTERM", "SIGHUP".
  static func name(of number: Int32) -> String {
    switch number {
    case SIGINT: return "Ctrl-C"
    case SIGTERM: return "SIGTERM"
    case SIGHUP: return "SIGHUP"
    default: return "signal \(number)"
    }
  }
}
