import RPC

/// Delivers store events to the subscribers in this process (the caller cache, the flow waiters).
/// Thread-safe; handlers run synchronously on the publishing thread, so they must be quick.
package final class StoreEvents: Sendable {
  private let handlers = Locked<[@Sendable (StoreEvent) -> Void]>([])

  /// Creates a hub without subscribers.
  package init() {}

  /// Calls `handler` with every event published from now on.
  package func subscribe(_ handler: @escaping @Sendable (StoreEvent) -> Void) {
    handlers.withLock { $0.append(handler) }
  }

  /// Hands `event` to every subscriber.
  package func publish(_ event: StoreEvent) {
    let current = handlers.withLock { $0 }
    for handler in current { handler(event) }
  }
}
