/// A value handed over once to one waiting task: whichever of ``deliver(_:)`` and ``value`` comes
/// first waits for the other, and deliveries after the first are ignored. Used for a batch's
/// success flag (taken by whichever thread sees its event) and for a shared fetch that the waiter's
/// own cancellation must be able to end. Copies share one slot.
package struct OneShot<Value: Sendable>: Sendable {
  private struct State {
    var value: Value?
    var waiter: UnsafeContinuation<Value, Never>?
    var delivered = false
  }

  private let state = Locked(State())

  /// Creates an empty slot.
  package init() {}

  /// Hands over `value` unless something was delivered already, resuming the waiting task if any.
  package func deliver(_ value: Value) {
    let waiter = state.withLock { state -> UnsafeContinuation<Value, Never>? in
      guard !state.delivered else { return nil }
      state.delivered = true
      guard let waiter = state.waiter else {
        state.value = value
        return nil
      }
      state.waiter = nil
      return waiter
    }
    waiter?.resume(returning: value)
  }

  /// The delivered value, waiting for it if it has not come yet. Only one task may wait.
  package var value: Value {
    get async {
      await withUnsafeContinuation { (continuation: UnsafeContinuation<Value, Never>) in
        let ready = state.withLock { state -> Value? in
          if let value = state.value { return value }
          state.waiter = continuation
          return nil
        }
        if let ready { continuation.resume(returning: ready) }
      }
    }
  }
}
