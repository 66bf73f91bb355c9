import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Turns Ctrl-C (SIGINT) into the cancellation of a task, so a long poll stops cleanly: the
/// spinner is cleared, the cursor shown, and nothing is written. Restores default handling after.
final class InterruptHandler: @unchecked Sendable {
  // Dispatch sources are thread-safe; the property is never reassigned.
  private let source: any DispatchSourceSignal
  /// Whether SIGINT arrived.
  let interrupted = LockedValue(false)

  /// Starts catching SIGINT and cancelling `task` when it arrives.
  init(cancelling task: Task<Int32, any Error>) {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    let interrupted = self.interrupted
    source.setEventHandler {
      interrupted.withLock { $0 = true }
      task.cancel()
    }
    source.resume()
    self.source = source
  }

  /// Stops catching SIGINT.
  func remove() {
    source.cancel()
    signal(SIGINT, SIG_DFL)
  }
}
