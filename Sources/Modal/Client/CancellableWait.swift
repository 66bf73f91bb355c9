import RPC

/// Waiting for a shared task in a way the waiter's own cancellation ends: awaiting
/// `Task.value` ignores the waiting task's cancellation, so a caller of a fetch shared by many
/// could not be stopped.
enum CancellableWait {
  /// The result of `task`, or `CancellationError` as soon as the calling task is cancelled
  /// (`task` itself goes on).
  static func result<Success: Sendable>(of task: Task<Success, any Error>) async -> Result<Success, any Error> {
    let gate = Gate<Success>()
    return await withTaskCancellationHandler {
      await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<Success, any Error>, Never>) in
        gate.install(continuation)
        Task { gate.finish(await task.result) }
      }
    } onCancel: {
      gate.finish(.failure(CancellationError()))
    }
  }

  /// Resumes the waiter with the first of the task's result and the cancellation.
  private final class Gate<Success: Sendable>: @unchecked Sendable {
    private struct State {
      var continuation: UnsafeContinuation<Result<Success, any Error>, Never>?
      var early: Result<Success, any Error>?
      var done = false
    }

    private let state = Locked(State())

    func install(_ continuation: UnsafeContinuation<Result<Success, any Error>, Never>) {
      let early = state.withLock { state -> Result<Success, any Error>? in
        if let early = state.early { return early }
        state.continuation = continuation
        return nil
      }
      if let early { continuation.resume(returning: early) }
    }

    func finish(_ result: Result<Success, any Error>) {
      let waiter = state.withLock { state -> UnsafeContinuation<Result<Success, any Error>, Never>? in
        guard !state.done else { return nil }
        state.done = true
        guard let continuation = state.continuation else {
          state.early = result
          return nil
        }
        state.continuation = nil
        return continuation
      }
      waiter?.resume(returning: result)
    }
  }
}
