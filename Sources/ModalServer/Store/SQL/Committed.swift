/// A transaction's result and the events it announced, carried back from a database queue.
struct Committed<T: Sendable>: Sendable {
  /// What the transaction's body returned.
  let result: T
  /// The events to publish now that it committed.
  let events: [StoreEvent]
}

extension SQLStore {
  /// Runs `body`, recording its duration in the store's statistics when it has any.
  func timed<T>(_ body: () async throws(ServerError) -> T) async throws(ServerError) -> T {
    guard let statistics else { return try await body() }
    return try await statistics.timed(body)
  }
}
