import Dispatch
import Foundation

/// A total deadline for each request head on the dashboard's connections.
///
/// libmicrohttpd's timeout is an idle timeout that every byte restarts, so a client sending one
/// header byte every few seconds keeps a connection (and its thread) for as long as it likes. Each
/// connection gets a deadline when it opens and again when a request completes (for the next
/// request on a kept-alive connection); the head's arrival clears it. A timer shuts down the
/// socket of every connection past its deadline, which makes libmicrohttpd close it.
final class HeadDeadlines: @unchecked Sendable {
  private struct Entry {
    let socket: Int32
    var deadline: ContinuousClock.Instant?
  }

  private let timeout: Duration
  private let lock = NSLock()
  private var entries: [UInt: Entry] = [:]
  private var timer: (any DispatchSourceTimer)?
  private let log: LogLimiter

  /// Deadlines of `seconds` for every head; closed connections are reported through `log`, at most
  /// one line per 10 seconds.
  init(seconds: Int, log: @escaping @Sendable (String) -> Void) {
    timeout = .seconds(max(1, seconds))
    self.log = LogLimiter(interval: .seconds(10), write: log)
  }

  /// Starts checking twice a second.
  func start() {
    let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "modal-server.head-deadlines"))
    timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500))
    timer.setEventHandler { [weak self] in self?.closeExpired() }
    timer.resume()
    lock.withLock { self.timer = timer }
  }

  /// Stops checking.
  func stop() {
    lock.withLock {
      timer?.cancel()
      timer = nil
    }
  }

  /// A connection opened on `socket`: its first head is due within the timeout.
  func opened(_ connection: UInt, socket: Int32) {
    lock.withLock { entries[connection] = Entry(socket: socket, deadline: .now + timeout) }
  }

  /// A connection closed (before its socket is): forget it, so a reused descriptor is never touched.
  func closed(_ connection: UInt) {
    _ = lock.withLock { entries.removeValue(forKey: connection) }
  }

  /// The connection's request head arrived in time.
  func headArrived(_ connection: UInt) {
    lock.withLock { entries[connection]?.deadline = nil }
  }

  /// A request was answered: the next head on the kept-alive connection is due within the timeout.
  func requestCompleted(_ connection: UInt) {
    lock.withLock { entries[connection]?.deadline = .now + timeout }
  }

  private func closeExpired() {
    let now = ContinuousClock.now
    let closed = lock.withLock { () -> Int in
      var count = 0
      for (key, entry) in entries {
        guard let deadline = entry.deadline, deadline < now else { continue }
        // Shutting the socket down (not closing it) wakes libmicrohttpd's thread, which then closes
        // the connection as one the client ended; the entry is removed so it is shut down only once.
        shutdown(entry.socket, Int32(SHUT_RDWR))
        entries[key] = nil
        count += 1
      }
      return count
    }
    if closed > 0 {
      log.write(
        "http: closed \(closed) connection(s) that sent no complete request head within \(timeout.components.seconds) s")
    }
  }
}

/// Writes at most one line per interval and counts the ones it held back.
final class LogLimiter: @unchecked Sendable {
  private let interval: Duration
  private let sink: @Sendable (String) -> Void
  private let lock = NSLock()
  private var last: ContinuousClock.Instant?
  private var suppressed = 0

  /// A limiter writing to `write`.
  init(interval: Duration, write: @escaping @Sendable (String) -> Void) {
    self.interval = interval
    sink = write
  }

  /// Writes `line` unless one was written less than the interval ago.
  func write(_ line: String) {
    let now = ContinuousClock.now
    let held = lock.withLock { () -> Int? in
      if let last, now - last < interval {
        suppressed += 1
        return nil
      }
      last = now
      defer { suppressed = 0 }
      return suppressed
    }
    guard let held else { return }
    sink(held > 0 ? line + " (\(held) similar line(s) held back)" : line)
  }
}
