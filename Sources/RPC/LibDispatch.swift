import CShims

/// libdispatch's queues, semaphores and signal sources through its C interface (declared in
/// CShims), for the modules `modal` links: `import Dispatch` would bring Dispatch's Swift overlay,
/// libswiftDispatch, which every start of every command would then load and relocate, about a
/// tenth of a Swift hello world's whole run (issue 19). The behaviour is Dispatch's own.
package enum LibDispatch {
  /// Runs `body` on a serial queue of its own named `label`: such a queue gets a thread of its own
  /// when it needs one, where the global queue's few threads could all be blocked elsewhere.
  package static func async(label: String, _ body: @escaping @Sendable () -> Void) {
    let queue = cshims_dispatch_queue_create(label, nil)
    cshims_dispatch_async_f(queue, DispatchWork.retained(body)) { context in
      Unmanaged<DispatchWork>.fromOpaque(context!).takeRetainedValue().body()
    }
    // The pending block keeps the queue alive; this drops only the reference made here.
    cshims_dispatch_release(queue)
  }
}

/// A counting semaphore (`dispatch_semaphore_t`).
package final class DispatchCountingSemaphore: @unchecked Sendable {
  // libdispatch's semaphores are thread-safe; the pointer is never reassigned.
  private let semaphore: UnsafeMutableRawPointer

  /// A semaphore with `value` available at first.
  package init(value: Int = 0) {
    guard let semaphore = cshims_dispatch_semaphore_create(value) else {
      preconditionFailure("libdispatch refused a semaphore")
    }
    self.semaphore = semaphore
  }

  /// Takes one, waiting as long as it takes.
  package func wait() {
    _ = cshims_dispatch_semaphore_wait(semaphore, .max)  // DISPATCH_TIME_FOREVER
  }

  /// Gives one back, waking a waiter.
  package func signal() {
    _ = cshims_dispatch_semaphore_signal(semaphore)
  }

  deinit { cshims_dispatch_release(semaphore) }
}

/// Calls a handler on the global queue each time a signal arrives (`DISPATCH_SOURCE_TYPE_SIGNAL`),
/// until cancelled. The signal's own action should be set to ignored first, as with Dispatch.
package final class DispatchSignalSource: @unchecked Sendable {
  // libdispatch's sources are thread-safe; the pointer is never reassigned.
  private let source: UnsafeMutableRawPointer

  /// Starts watching signal `number`.
  package init(signal number: Int32, _ handler: @escaping @Sendable () -> Void) {
    guard let source = cshims_dispatch_signal_source(number) else {
      preconditionFailure("libdispatch refused a source for signal \(number)")
    }
    self.source = source
    // The handler box lives until the cancel handler runs, after the last event handler.
    cshims_dispatch_set_context(source, DispatchWork.retained(handler))
    cshims_dispatch_source_set_event_handler_f(source) { context in
      Unmanaged<DispatchWork>.fromOpaque(context!).takeUnretainedValue().body()
    }
    cshims_dispatch_source_set_cancel_handler_f(source) { context in
      Unmanaged<DispatchWork>.fromOpaque(context!).release()
    }
    cshims_dispatch_resume(source)
  }

  /// Stops the handler from being called again.
  package func cancel() { cshims_dispatch_source_cancel(source) }

  deinit { cshims_dispatch_release(source) }
}

/// A closure boxed to cross libdispatch's context pointer.
private final class DispatchWork {
  let body: @Sendable () -> Void

  init(_ body: @escaping @Sendable () -> Void) { self.body = body }

  /// A retained box of `body`, as a context pointer.
  static func retained(_ body: @escaping @Sendable () -> Void) -> UnsafeMutableRawPointer {
    Unmanaged.passRetained(DispatchWork(body)).toOpaque()
  }
}
