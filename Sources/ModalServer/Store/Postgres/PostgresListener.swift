import Foundation
import RPC

/// Listens for the notices every replica sends with `pg_notify` (`StoreEvent`s) on a dedicated
/// connection and thread, and publishes them in this process within milliseconds of the commit.
///
/// When the connection is lost it publishes `.resynchronize` (remembered callers are forgotten,
/// waiting calls look again), reconnects every half second until the database is back, and
/// publishes `.resynchronize` once more after listening again, since notices sent in between are lost.
///
/// Each notice's lag (from its sending, just before the commit, to its publication here) goes into
/// `lag`. Payloads that are not notices are remembered as probes (`hasReceived`), which is how the
/// store checks at start that this connection really holds a session.
final class PostgresListener: Sendable {
  private let stopped = Locked(false)
  private let connected = Locked(false)
  private let probes = Locked<Set<String>>([])

  /// Starts listening on a new thread; `connect` opens the dedicated connection.
  init(
    events: StoreEvents, lag: LatencyHistogram, log: @escaping @Sendable (String) -> Void,
    connect: @escaping @Sendable () throws(ServerError) -> PostgresConnection
  ) {
    let stopped = self.stopped
    let connected = self.connected
    let probes = self.probes
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
        Self.listen(on: connection, stopped: stopped) { payload in
          if let notice = ChangeNotice(payload: payload) {
            events.publish(notice.event)
            if let seconds = notice.lag() { lag.observe(seconds: seconds) }
          } else if payload.hasPrefix(Self.probePrefix) {
            probes.withLock { _ = $0.insert(payload) }
          }
        }
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

  /// How probe payloads begin (no `StoreEvent`'s wire text does).
  static let probePrefix = "probe:"

  /// Whether the probe `payload` arrived.
  func hasReceived(_ payload: String) -> Bool { probes.withLock { $0.contains(payload) } }

  /// Waits on the socket and hands over payloads until the connection breaks or `stopped` is set.
  private static func listen(on connection: PostgresConnection, stopped: Locked<Bool>, received: (String) -> Void) {
    while !stopped.withLock({ $0 }) {
      var descriptor = pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, 250)
      if ready < 0 && errno != EINTR { return }
      if ready <= 0 { continue }
      do throws(ServerError) {
        for payload in try connection.receiveNotifications() { received(payload) }
      } catch {
        return
      }
    }
  }
}
