/// What a store measures about itself for `/metrics`: how long its transactions take, and how
/// many connections its pool holds and lends out.
package final class StoreStatistics: Sendable {
  /// A connection pool's size at one moment.
  package struct Pool: Sendable {
    /// The most connections the pool opens.
    package var capacity: Int
    /// Connections open now.
    package var open: Int
    /// Connections lent out now.
    package var inUse: Int
  }

  /// Durations of store operations (each one transaction of one or more statements).
  package let latency = LatencyHistogram()
  /// Seconds from another replica's commit of a change to its arrival here (PostgreSQL only).
  package let changeEventLag = LatencyHistogram()
  private let poolReader: @Sendable () -> Pool?

  /// Statistics whose pool figures come from `pool` (`nil` for a store without a pool).
  package init(pool: @escaping @Sendable () -> Pool? = { nil }) { poolReader = pool }

  /// The pool now, if the store has one.
  package var pool: Pool? { poolReader() }

  /// Runs `body`, recording how long it took (also when it throws).
  package func timed<T>(_ body: () async throws(ServerError) -> T) async throws(ServerError) -> T {
    let start = ContinuousClock.now
    defer { latency.observe(ContinuousClock.now - start) }
    return try await body()
  }
}
