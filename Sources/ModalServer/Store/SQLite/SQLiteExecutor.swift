import Dispatch

/// Runs work on one SQLite connection from a dedicated serial queue, so that blocking SQLite calls
/// (and the fsync of a commit) never occupy a thread of Swift's cooperative pool.
final class SQLiteExecutor: @unchecked Sendable {
  // The connection is only touched on `queue`.
  private let connection: SQLiteConnection
  private let queue: DispatchQueue

  init(connection: SQLiteConnection, label: String) {
    self.connection = connection
    queue = DispatchQueue(label: label, qos: .userInitiated)
  }

  /// Runs `body` with the connection on the executor's queue and returns its result.
  func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(ServerError) -> T) async throws(ServerError) -> T {
    let connection = self.connection
    let result: Result<T, ServerError> = await withCheckedContinuation { continuation in
      queue.async {
        do throws(ServerError) {
          continuation.resume(returning: .success(try body(connection)))
        } catch {
          continuation.resume(returning: .failure(error))
        }
      }
    }
    return try result.get()
  }

  /// Runs `body` on the queue and waits for it (for start-up and shutdown, never from async code).
  func runBlocking<T>(_ body: (SQLiteConnection) throws(ServerError) -> T) throws(ServerError) -> T {
    let result: Result<T, ServerError> = queue.sync {
      do throws(ServerError) { return .success(try body(connection)) } catch { return .failure(error) }
    }
    return try result.get()
  }
}
