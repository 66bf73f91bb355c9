import RPC

/// Waiting for a shared task in a way the waiter's own cancellation ends: awaiting
/// `Task.value` ignores the waiting task's cancellation, so a caller of a fetch shared by many
/// could not be stopped.
enum CancellableWait {
  /// The result of `task`, or `CancellationError` as soon as the calling task is cancelled
  /// (`task` itself goes on).
  static func result<Success: Sendable>(of task: Task<Success, any Error>) async -> Result<Success, any Error> {
    let outcome = OneShot<Result<Success, any Error>>()
    return await withTaskCancellationHandler {
      Task { outcome.deliver(await task.result) }
      return await outcome.value
    } onCancel: {
      outcome.deliver(.failure(CancellationError()))
    }
  }
}
