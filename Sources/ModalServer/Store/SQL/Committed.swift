/// A transaction's result and the events it announced, carried back from a database queue.
struct Committed<T: Sendable>: Sendable {
  /// What the transaction's body returned.
  let result: T
  /// The events to publish now that it committed.
  let events: [StoreEvent]
}
