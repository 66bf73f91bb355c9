import CGRPC
import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The tag of one operation batch: the poller thread calls `complete(success:)` exactly once.
///
/// A tag is passed to the core as a retained pointer (`Unmanaged.passRetained`) and released by
/// the poller when its event arrives, so whatever a tag references lives until the batch is done.
class CompletionTag: @unchecked Sendable {
  /// Called on the poller thread when the batch (or server request, or shutdown) completes.
  func complete(success: Bool) {}

  /// The opaque pointer handed to the core; balanced by the poller or by `releaseUnused`.
  final func retainedPointer() -> UnsafeMutableRawPointer {
    Unmanaged.passRetained(self).toOpaque()
  }

  /// Releases a pointer from `retainedPointer()` that the core rejected (no event will come).
  static func releaseUnused(_ pointer: UnsafeMutableRawPointer) {
    Unmanaged<CompletionTag>.fromOpaque(pointer).release()
  }
}

/// A tag that resumes a continuation with the batch's success flag.
final class ContinuationTag: CompletionTag, @unchecked Sendable {
  private let continuation: UnsafeContinuation<Bool, Never>
  /// Keeps the call's buffers alive until the batch completes.
  private let owner: AnyObject

  init(owner: AnyObject, continuation: UnsafeContinuation<Bool, Never>) {
    self.owner = owner
    self.continuation = continuation
  }

  override func complete(success: Bool) {
    continuation.resume(returning: success)
  }
}

/// A tag that runs a closure with the batch's success flag.
final class ClosureTag: CompletionTag, @unchecked Sendable {
  private let body: @Sendable (Bool) -> Void

  init(_ body: @escaping @Sendable (Bool) -> Void) {
    self.body = body
  }

  override func complete(success: Bool) {
    body(success)
  }
}

/// A `grpc_completion_queue` drained by one dedicated thread for its whole life.
///
/// The core makes progress on network I/O only while a thread waits in `grpc_completion_queue_next`,
/// so the poller thread lives until the queue is shut down. After `shutdown()` the thread drains the
/// remaining events, destroys the queue and exits on its own: nothing ever joins it, so no deadlock
/// is possible even if the last owner goes away on the poller thread itself.
final class CompletionQueue: @unchecked Sendable {
  /// The queue handle for `grpc_channel_create_call`, `grpc_server_request_call` and friends.
  let pointer: OpaquePointer

  /// The process-wide queue used by every client call of every channel.
  static let client = CompletionQueue()

  /// Jobs of tasks that prefer this queue's executor, enqueued on the poller thread; run by the
  /// poller after each completion (so only the poller thread touches this).
  fileprivate var localJobs: [UnownedJob] = []
  fileprivate let pollerThread = Locked<pthread_t?>(nil)
  /// The `CompletionQueueExecutor` (typed `AnyObject` because of its availability).
  private var executorStorage: AnyObject?

  init() {
    // Channels and servers load and initialise the core before they create a queue.
    precondition((try? GRPCRuntime.ensureInitialized()) != nil, "the gRPC core is not loaded")
    let queue = cgrpc_grpc_completion_queue_create_for_next()(nil)!
    pointer = queue
    if #available(macOS 15.0, *) { executorStorage = CompletionQueueExecutor(queue: self) }
    let context = Unmanaged.passRetained(self).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(
      &thread, nil,
      { argument in
        let queue = Unmanaged<CompletionQueue>.fromOpaque(argument!).takeRetainedValue()
        queue.pollerThread.withLock { $0 = pthread_self() }
        queue.poll()
        return nil
      }, context)
    precondition(result == 0, "could not start the gRPC completion-queue thread (error \(result))")
    pthread_detach(thread)
  }

  /// Whether the calling thread is this queue's poller.
  fileprivate var isPollerThread: Bool {
    guard let poller = pollerThread.withLock({ $0 }) else { return false }
    return pthread_equal(poller, pthread_self()) != 0
  }

  /// The poller loop: dispatch every completed tag (then the jobs it made runnable here) until
  /// the queue reports shutdown, then destroy it.
  private func poll() {
    let queue = pointer
    let forever = cgrpc_gpr_inf_future()(GPR_CLOCK_REALTIME)
    while true {
      let event = cgrpc_grpc_completion_queue_next()(queue, forever, nil)
      if event.type == GRPC_OP_COMPLETE {
        if let tag = event.tag {
          Unmanaged<CompletionTag>.fromOpaque(tag).takeRetainedValue().complete(success: event.success != 0)
        }
        runLocalJobs()
      } else if event.type == GRPC_QUEUE_SHUTDOWN {
        break
      }
    }
    runLocalJobs()
    cgrpc_grpc_completion_queue_destroy()(queue)
  }

  private func runLocalJobs() {
    guard #available(macOS 15.0, *) else { return }
    while !localJobs.isEmpty {
      let jobs = localJobs
      localJobs = []
      for job in jobs { job.runSynchronously(on: executor.asUnownedTaskExecutor()) }
    }
  }

  /// The task executor that runs jobs on this queue's poller thread when they become runnable
  /// there (see `RPCExecutor`).
  @available(macOS 15.0, *)
  var executor: CompletionQueueExecutor {
    executorStorage as! CompletionQueueExecutor
  }

  /// Starts shutting the queue down; the poller thread destroys it once every pending event is out.
  /// (The thread holds a reference to the queue object until then.)
  func shutdown() {
    cgrpc_grpc_completion_queue_shutdown()(pointer)
  }
}

/// Starts a batch on `call` whose completion resumes the current task; returns the core's result
/// (an error means no event will come) and whether the batch succeeded.
func runBatch(
  _ call: OpaquePointer, owner: AnyObject, ops: UnsafeMutablePointer<grpc_op>, count: Int
) async -> (error: grpc_call_error, success: Bool) {
  var startError = GRPC_CALL_OK
  let success = await withUnsafeContinuation { (continuation: UnsafeContinuation<Bool, Never>) in
    let tag = ContinuationTag(owner: owner, continuation: continuation).retainedPointer()
    let error = cgrpc_grpc_call_start_batch()(call, ops, count, tag, nil)
    if error != GRPC_CALL_OK {
      CompletionTag.releaseUnused(tag)
      startError = error
      continuation.resume(returning: false)
    }
  }
  return (startError, success)
}

/// Runs a task's jobs on the client completion-queue thread when they are resumed there, and on
/// Dispatch's global queue otherwise.
@available(macOS 15.0, *)
final class CompletionQueueExecutor: TaskExecutor, @unchecked Sendable {
  unowned let queue: CompletionQueue

  init(queue: CompletionQueue) {
    self.queue = queue
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    if queue.isPollerThread {
      queue.localJobs.append(job)
    } else {
      let executor = asUnownedTaskExecutor()
      DispatchQueue.global().async { job.runSynchronously(on: executor) }
    }
  }
}

/// A task executor for code that makes many RPCs in sequence: with it as the task's executor
/// preference, a call's continuation resumes directly on the completion-queue thread that saw the
/// response, saving a thread hop (several microseconds) per call.
///
///     await withTaskExecutorPreference(RPCExecutor.shared) { ... calls ... }
///
/// Code running under it must never block (no locks held across waits, no sleeping, no
/// synchronous I/O): while it runs, the process's client calls make no progress.
@available(macOS 15.0, *)
public enum RPCExecutor {
  /// The executor of the process-wide client completion queue.
  public static var shared: any TaskExecutor { CompletionQueue.client.executor }
}
