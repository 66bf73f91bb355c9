import Foundation

extension PostgresStore {
  /// How long start-up waits for the listener to connect, and then to hear the probe.
  static let listenerCheckTimeout: Duration = .seconds(5)

  /// Sends a probe notice through the pool and waits for `listener` to hear it. It does not when
  /// the listener's `LISTEN` went through a pooler in transaction mode: the server session that
  /// ran it went back to the pool, and notices reach whoever holds that session next (or nobody).
  /// Such a replica would miss every other replica's revocations, so it refuses to start, naming
  /// the option that fixes it.
  static func checkListenerSession(_ listener: PostgresListener, pool: PostgresPool, separateURL: Bool) throws(ServerError) {
    let option = separateURL ? "--events-database" : "--database"
    let connected = ContinuousClock.now + listenerCheckTimeout
    while !listener.isListening {
      guard ContinuousClock.now < connected else {
        throw ServerError(
          .unavailable,
          "Could not open the connection that listens for other replicas' changes (\(option)) within "
            + "\(listenerCheckTimeout). Check that PostgreSQL is reachable there, then start again.")
      }
      Thread.sleep(forTimeInterval: 0.02)
    }
    let probe = PostgresListener.probePrefix + UUID().uuidString
    let heard = ContinuousClock.now + listenerCheckTimeout
    var nextSend = ContinuousClock.now
    while !listener.hasReceived(probe) {
      let now = ContinuousClock.now
      guard now < heard else { throw notHeard(separateURL: separateURL) }
      if now >= nextSend {
        // Sent again every second, in case the listener reconnected in between.
        try pool.runBlocking { connection throws(ServerError) in try connection.notify(probe) }
        nextSend = now + .seconds(1)
      }
      Thread.sleep(forTimeInterval: 0.01)
    }
  }

  private static func notHeard(separateURL: Bool) -> ServerError {
    let cause =
      separateURL
      ? "--events-database does not reach the same PostgreSQL database in a session of its own: it must be a "
        + "direct connection (or one through a pooler in session mode), never a transaction pooler."
      : "--database goes through a connection pooler in transaction mode (PgBouncer's pool_mode = transaction), "
        + "where LISTEN has no session of its own. Give the listener a direct connection to PostgreSQL (or one "
        + "through a pooler in session mode) with --events-database postgres://… (events-database in --config)."
    return ServerError(
      .failedPrecondition,
      "The connection that listens for other replicas' changes did not hear a notice this replica sent "
        + "within \(listenerCheckTimeout), so this replica would miss their revocations. \(cause) See docs/server.md.")
  }
}
