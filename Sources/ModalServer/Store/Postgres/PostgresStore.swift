import Foundation

/// The store for several replicas: one PostgreSQL database (or a PostgreSQL-compatible one) that
/// every `modal-server serve` shares, over a bounded pool of connections.
///
/// - The statements are the SQLite store's (`SQLStore`), each operation one transaction;
///   conditional updates decide races between replicas.
/// - Migrations run under a transaction-scoped advisory lock, so replicas starting together apply
///   each migration once and the others wait, then see it applied.
/// - Changes other replicas must see at once (revocations, membership changes, approved login
///   flows) are sent with `pg_notify` inside the transaction, delivered at commit, and received by
///   every replica's `PostgresListener`. The listener needs a session of its own: behind a pooler
///   in transaction mode it connects to `eventsURL` instead, and start-up checks that it hears a
///   notice sent through the pool (`checkListenerSession`).
/// - A database outage makes calls fail quickly with `unavailable`; broken connections are
///   dropped and new ones opened when the database is back.
package final class PostgresStore: SQLStore, @unchecked Sendable {
  /// Committed changes of every replica.
  package let events = StoreEvents()
  /// `host:port/database`, for logs (never the password).
  package let location: String
  /// How long transactions take, and the pool's use.
  package let statistics: StoreStatistics?
  private let pool: PostgresPool
  private let listener: PostgresListener?

  /// The advisory lock key migrations hold (any constant shared by every replica).
  static let migrationLockKey: Int64 = 0x6D6F_6461_6C73_7276  // "modalsrv"

  /// Connects to `url`, applies pending migrations, and (when `listen`) starts listening for other
  /// replicas' changes, over `eventsURL` when given (`--events-database`), and checks that the
  /// listener hears this replica. `poolSize` bounds the connections used for requests.
  package init(
    url: String, poolSize: Int = 8, listen: Bool = true, eventsURL: String? = nil,
    log: @escaping @Sendable (String) -> Void = { _ in }
  ) throws(ServerError) {
    guard !url.isEmpty else { throw ServerError(.invalidArgument, "The PostgreSQL URL is empty.") }
    if eventsURL?.isEmpty == true { throw ServerError(.invalidArgument, "The --events-database URL is empty.") }
    let pool = PostgresPool(url: url, capacity: poolSize)
    self.pool = pool
    let statistics = StoreStatistics { pool.usage }
    self.statistics = statistics
    location = try pool.runBlocking { connection throws(ServerError) in
      try Self.migrate(connection)
      return connection.location
    }
    guard listen else {
      listener = nil
      return
    }
    let listener = PostgresListener(events: events, lag: statistics.changeEventLag, log: log) { () throws(ServerError) in
      try PostgresConnection(url: eventsURL ?? url, applicationName: "modal-server listener")
    }
    self.listener = listener
    do throws(ServerError) {
      try Self.checkListenerSession(listener, pool: pool, separateURL: eventsURL != nil)
    } catch {
      listener.stop()
      pool.close()
      throw error
    }
  }

  /// Applies every migration newer than the database in one transaction, holding the advisory
  /// lock: concurrent starters wait for each other.
  static func migrate(_ connection: PostgresConnection) throws(ServerError) {
    _ = try connection.transaction { () throws(ServerError) in
      try connection.execute("SELECT pg_advisory_xact_lock(\(migrationLockKey))", [])
      try connection.exec(StoreSchema.adapt(StoreSchema.bookkeeping, for: .postgres))
      try StoreSchema.applyPending(on: connection, dialect: .postgres, database: "The database")
    }
  }

  /// Whether the connection that receives other replicas' changes is up.
  package var isListening: Bool { listener?.isListening ?? false }

  @discardableResult
  func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws(ServerError) -> T) async throws(ServerError) -> T {
    let pool = self.pool
    return try await timed { () throws(ServerError) in try await pool.run(body) }
  }

  @discardableResult
  func write<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws(ServerError) -> T) async throws(ServerError) -> T {
    let pool = self.pool
    let outcome = try await timed { () throws(ServerError) in
      try await pool.run { db throws(ServerError) in
        let outcome = try db.transaction { () throws(ServerError) in try body(db) }
        return Committed(result: outcome.result, events: outcome.events)
      }
    }
    // The listener delivers these too; publishing here as well makes this replica see its own
    // changes without waiting for the round trip.
    for event in outcome.events { events.publish(event) }
    return outcome.result
  }

  package func close() async {
    listener?.stop()
    pool.close()
  }
}
