import Dispatch
import Foundation
import RPC

/// A bounded pool of PostgreSQL connections. Blocking libpq calls run on a dispatch queue, never
/// on Swift's cooperative pool; at most `capacity` connections exist, opened on demand and reused.
///
/// A broken connection (the database restarted, the network dropped) is closed instead of being
/// returned, so the pool heals by itself once the database is back. When every connection is busy a
/// borrower waits up to `acquireTimeout`, then gets `unavailable`, as it does at once when the
/// database cannot be reached: clients retry on UNAVAILABLE.
final class PostgresPool: Sendable {
  private struct State {
    var idle: [PostgresConnection] = []
    var open = 0
    var waiters: [(id: UInt64, continuation: CheckedContinuation<Grant, Never>)] = []
    var nextWaiter: UInt64 = 0
    var closed = false
  }

  /// The connection URL (kept only in memory; never logged).
  private let url: String
  /// The most connections open at once.
  let capacity: Int
  /// How long a borrower waits for a busy pool.
  let acquireTimeout: Duration
  private let state = Locked(State())

  /// A pool for `url` with at most `capacity` connections.
  init(url: String, capacity: Int, acquireTimeout: Duration = .seconds(5)) {
    self.url = url
    self.capacity = max(1, capacity)
    self.acquireTimeout = acquireTimeout
  }

  /// Runs `body` with a connection, on a thread of its own (`BlockingWork`).
  func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws(ServerError) -> T) async throws(ServerError) -> T {
    let slot = try await acquire()
    let url = self.url
    let result: Result<T, ServerError> = await BlockingWork.run(label: "modal-server.postgres") {
      let connection: PostgresConnection
      if let slot, slot.isUsable {
        connection = slot
      } else {
        // A new connection, also in place of an idle one that died in the pool.
        do throws(ServerError) {
          connection = try PostgresConnection(url: url)
        } catch {
          self.release(nil)
          return .failure(error)
        }
      }
      let outcome: Result<T, ServerError>
      do throws(ServerError) {
        outcome = .success(try body(connection))
      } catch {
        outcome = .failure(error)
      }
      self.release(connection)
      return outcome
    }
    return try result.get()
  }

  /// Runs `body` with a connection and waits (for start-up, never from async code).
  func runBlocking<T>(_ body: (PostgresConnection) throws(ServerError) -> T) throws(ServerError) -> T {
    let connection = try PostgresConnection(url: url)
    return try body(connection)
  }

  /// Closes idle connections; later borrowers fail.
  func close() {
    let waiters = state.withLock { state in
      state.closed = true
      state.idle.removeAll()
      let waiters = state.waiters
      state.waiters.removeAll()
      return waiters
    }
    for waiter in waiters { waiter.continuation.resume(returning: .closed) }
  }

  /// How many connections are open (for tests).
  var openCount: Int { state.withLock { $0.open } }

  /// The pool's size and use now (for `/metrics`).
  var usage: StoreStatistics.Pool {
    state.withLock { StoreStatistics.Pool(capacity: capacity, open: $0.open, inUse: $0.open - $0.idle.count) }
  }

  // MARK: Borrowing

  /// What a borrower is given.
  private enum Grant: @unchecked Sendable {
    /// An idle connection.
    case connection(PostgresConnection)
    /// A reserved slot: open a new connection.
    case newSlot
    /// Nothing came free in time.
    case timedOut
    /// The pool closed.
    case closed
  }

  /// An idle connection, or `nil` meaning "open a new one" (a slot was reserved for it).
  private func acquire() async throws(ServerError) -> PostgresConnection? {
    let timeout = acquireTimeout
    let grant: Grant = await withCheckedContinuation { (continuation: CheckedContinuation<Grant, Never>) in
      let immediate: Grant? = state.withLock { state in
        if state.closed { return .closed }
        if let connection = state.idle.popLast() { return .connection(connection) }
        if state.open < capacity {
          state.open += 1
          return .newSlot
        }
        state.nextWaiter += 1
        state.waiters.append((id: state.nextWaiter, continuation: continuation))
        let id = state.nextWaiter
        Task {
          try? await Task.sleep(for: timeout)
          self.expireWaiter(id)
        }
        return nil
      }
      if let immediate { continuation.resume(returning: immediate) }
    }
    switch grant {
    case .connection(let connection): return connection
    case .newSlot: return nil
    case .closed: throw ServerError(.unavailable, "The server is shutting down.")
    case .timedOut:
      throw ServerError(
        .unavailable, "All \(capacity) database connections stayed busy for \(timeout); retry (or raise --database-pool).")
    }
  }

  private func expireWaiter(_ id: UInt64) {
    let waiter = state.withLock { state -> CheckedContinuation<Grant, Never>? in
      guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
      return state.waiters.remove(at: index).continuation
    }
    waiter?.resume(returning: .timedOut)
  }

  /// Returns a connection (or the slot of one that failed to open or broke).
  private func release(_ connection: PostgresConnection?) {
    let healthy = connection.flatMap { $0.isBroken ? nil : $0 }
    let handoff: (CheckedContinuation<Grant, Never>, Grant)? = state.withLock { state in
      if state.closed {
        state.open -= 1
        return nil
      }
      if !state.waiters.isEmpty {
        let waiter = state.waiters.removeFirst().continuation
        return (waiter, healthy.map { .connection($0) } ?? .newSlot)
      }
      if let healthy {
        state.idle.append(healthy)
      } else {
        state.open -= 1
      }
      return nil
    }
    if let (waiter, grant) = handoff { waiter.resume(returning: grant) }
  }
}
