/// Where work that blocks a thread runs (the server's libpq calls and argon2id, the SDK's
/// `token_secret_command`): never on Swift's cooperative pool, and never on a concurrent dispatch
/// queue either. (It lives here, beside `Locked`, because both the SDK and the server use it.)
///
/// A concurrent queue draws on the global pool, which on Linux has about one thread per CPU and
/// cannot tell that its threads are blocked: with 2 CPUs, two blocked calls stalled every other
/// blocking call of the process (found with 12 logins at once). A serial queue of its own per
/// piece of work gets a thread of its own when it needs one, so callers bound the concurrency
/// themselves (the PostgreSQL pool's size, the two password slots).
package enum BlockingWork {
  /// Runs `body` on a thread of its own and returns its result.
  package static func run<T: Sendable>(label: String, _ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
      LibDispatch.async(label: label) { continuation.resume(returning: body()) }
    }
  }
}
