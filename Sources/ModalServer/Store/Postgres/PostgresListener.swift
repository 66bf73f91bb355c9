import Foundation
import RPC

/// Listens for the notices every replica sends with `pg_notify` (`StoreEvent`s) on a dedicated
/// connection and thread, and publishes them in this process within milliseconds of the commit.
///
/// When the connection is lost it publishes `.resynchronize` (remembered callers are forgotten,
/// waiting calls look again), reconnects every half second until the database is back, and
/// publishes `.resynchronize` once more after listening again, since notices sent in between are lost.
final class PostgresListener: Sendable {
  private let stopped = Locked(false)
  private let connected = Locked(false)

  /// Starts listening on a new thread; `connect` opens the dedicated connection.
  init(
    events: StoreEvents, log: @escaping @Sendable (String) -> Void,
    connect: @escaping @Sendable () throws(ServerError) -> PostgresConnection
  ) {
    let stopped = self.stopped
    let connected = self.connected
    let thread = Thread {
      var wasConnected = true
      while !stopped.withLock({ $0 }) {
        let connection: PostgresConnection
        do throws(ServerError) {
          connection = try connect()
          try connection.exec("LISTEN \(PostgresConnection.channel)")
        } catch {
          if wasConnected { log("modal-server: not listening for changes from other replicas: \(error.message)") }
          wasConnected = false
          Thread.sleep(forTimeInterval: 0.5)
          continue
        }
        connected.withLock { $0 = true }
        if !wasConnected { log("modal-server: listening for changes from other replicas again") }
        // Anything sent while not listening was missed (also covers the first connection: harmless).
        events.publish(.resynchronize)
        wasConnected = true
        Self.listen(on: connection, events: events, stopped: stopped)
        connected.withLock { $0 = false }
        if !stopped.withLock({ $0 }) {
          events.publish(.resynchronize)
          log("modal-server: lost the connection that listens for changes; reconnecting")
          wasConnected = false
        }
      }
    }
    thread.name = "modal-server.postgres-listener"
    thread.start()
  }

  /// Whether the listening connection is up (for tests and health checks).
  var isListening: Bool { connected.withLock { $0 } }

  /// Stops the thread within a quarter second.
  func stop() { stopped.withLock { $0 = true } }

  /// Waits on the socket and publishes notices until the connection breaks or `stopped` is set.
  private static func listen(on connection: PostgresConnection, events: StoreEvents, stopped: Locked<Bool>) {
    while !stopped.withLock({ $0 }) {
      var descriptor = pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, 250)
      if ready < 0 && errno != EINTR { return }
      if ready <= 0 { continue }
      do throws(ServerError) {
        for payload in try connection.receiveNotifications() {
          if let event = StoreEvent(wireText: payload) { events.publish(event) }
        }
      } catch {
        return
      }
    }
  }
}
