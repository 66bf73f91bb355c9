/// The steps that undo a start-up, run once, newest first, however the start-up or the run ended.
///
/// Swift's `defer` cannot await, and shutting a server down does (closing listeners, flushing,
/// closing the database); `withTeardown` is the one place that runs these steps, on success and on
/// every error, so a new resource cannot be forgotten in one of several catch blocks.
final class Teardown {
  private var steps: [() async -> Void] = []

  /// Adds a step; it runs before every step added earlier.
  func add(_ step: @escaping () async -> Void) { steps.append(step) }

  fileprivate func run() async {
    while let step = steps.popLast() { await step() }
  }
}

/// Runs `body`, then the teardown steps it added, whether `body` returned or threw.
func withTeardown<T>(_ body: (Teardown) async throws -> T) async throws -> T {
  let teardown = Teardown()
  let result: Result<T, any Error>
  do {
    result = .success(try await body(teardown))
  } catch {
    result = .failure(error)
  }
  await teardown.run()
  return try result.get()
}
