import CGRPC

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A `grpc_completion_queue` with a dedicated poller thread for its whole life.
///
/// The core makes progress on network I/O only while a thread waits in `grpc_completion_queue_next`,
/// so the poller thread lives until the queue is shut down. After `shutdown()` the thread drains the
/// remaining events, destroys the queue and exits on its own: nothing ever joins it, so no deadlock
/// is possible even if the last owner goes away on the poller thread itself.
///
/// A server's queue is drained by its thread alone. On the client queue, callers may wait for
/// their own replies (`PollingRoles`): every batch on it is started through `start(_:_:)`
/// or `run(_:owner:ops:count:)`, which count it.
final class CompletionQueue: @unchecked Sendable {
  /// The queue handle for `grpc_channel_create_call`, `grpc_server_request_call` and friends.
  let pointer: OpaquePointer

  /// The process-wide queue used by every client call of every channel.
  static let client = CompletionQueue(roles: PollingRoles())

  /// Who waits on the queue; `nil` when only the poller thread does.
  let roles: PollingRoles?
  /// For a server's helper queue: when its poller thread may park (`PollerRoster`).
  private let turn: PollerTurn?

  /// Jobs of tasks that prefer this queue's executor, enqueued on the poller thread; run by the
  /// poller after each completion (so only the poller thread touches this).
  fileprivate var localJobs: [UnownedJob] = []
  /// Whether the poller keeps every job enqueued on it (the client queue, for `RPCExecutor`), or
  /// only the first job of a task started in `startTask` (a server's queue: its handlers).
  private let keepsEveryJob: Bool
  /// Set while `startTask` runs, on the poller thread (so only that thread touches it).
  fileprivate var startingTask = false
  /// Set while the poller thread runs `localJobs`.
  private var runningLocalJobs = false
  /// The `CompletionQueueExecutor` (typed `AnyObject` because of its availability).
  private var executorStorage: AnyObject?

  /// Creates a queue and its poller thread; with `roles`, callers can wait for their own replies
  /// (the client queue); with `turn`, the thread parks while the server's roster rests it.
  init(roles: PollingRoles? = nil, turn: PollerTurn? = nil) {
    self.roles = roles
    self.turn = turn
    // Callers of the client queue chose `RPCExecutor` to stay on its thread; a server's handlers
    // must leave the poller once they suspend (see `startTask`).
    keepsEveryJob = roles != nil
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
        pthread_setspecific(CompletionQueue.pollerKey, argument)
        queue.poll()
        return nil
      }, context)
    precondition(result == 0, "could not start the gRPC completion-queue thread (error \(result))")
    pthread_detach(thread)
  }

  /// The thread-specific slot in which each poller thread keeps its queue's address: asking which
  /// queue (if any) the calling thread polls then takes no lock.
  private static let pollerKey: pthread_key_t = {
    var key = pthread_key_t()
    precondition(pthread_key_create(&key, nil) == 0, "could not create the completion-queue thread key")
    return key
  }()

  /// Whether the calling thread is this queue's poller.
  fileprivate var isPollerThread: Bool {
    pthread_getspecific(Self.pollerKey) == Unmanaged.passUnretained(self).toOpaque()
  }

  /// Whether the calling thread is the poller of any queue (a server's or the client's): such a
  /// thread must never block waiting for a reply, or every call of its queue stalls meanwhile.
  static var onPollerThread: Bool { pthread_getspecific(pollerKey) != nil }

  /// The poller loop: dispatch every completed tag (then the jobs it made runnable here) until
  /// the queue reports shutdown, then destroy it.
  private func poll() {
    let queue = pointer
    let forever = cgrpc_gpr_inf_future()(GPR_CLOCK_REALTIME)
    while true {
      roles?.waitForThreadTurn()
      var deadline = forever
      if let turn, turn.roster.waitForTurn(queue: turn.queue) {
        deadline = coreDeadline(after: PollerTurn.recheckInterval)
      }
      let event = cgrpc_grpc_completion_queue_next()(queue, deadline, nil)
      if event.type == GRPC_OP_COMPLETE {
        roles?.threadTookEvent()
        if let tag = event.tag { CompletionTag.complete(tag, success: event.success != 0) }
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
    // A job that runs here may not run the list again (`runStartedTasks`): the outer loop goes on
    // with whatever it enqueued.
    guard !localJobs.isEmpty, !runningLocalJobs else { return }
    runningLocalJobs = true
    defer { runningLocalJobs = false }
    let executor = self.executor.asUnownedTaskExecutor()
    // A job may enqueue more jobs here (this same thread): they join the end of the list. The
    // list keeps its storage from one event to the next, so no event allocates one.
    var index = 0
    while index < localJobs.count {
      localJobs[index].runSynchronously(on: executor)
      index += 1
    }
    localJobs.removeAll(keepingCapacity: true)
  }

  /// The task executor that runs jobs on this queue's poller thread when they become runnable
  /// there (see `RPCExecutor`).
  @available(macOS 15.0, *)
  var executor: CompletionQueueExecutor {
    executorStorage as! CompletionQueueExecutor
  }

  /// Starts a task (made by `body`, preferring `executor`) whose first job runs on this poller
  /// thread right after the current event, without waking another thread; every later job of it
  /// (once it suspended and something resumed it, even from here) runs on the global executor.
  /// Call on the poller thread only.
  @available(macOS 15.0, *)
  func startTask<T>(_ body: (any TaskExecutor) -> T) -> T {
    precondition(isPollerThread, "a task is started on the poller thread only")
    startingTask = true
    defer { startingTask = false }
    return body(executor)
  }

  /// Runs now, before the current event's handling goes on, the first jobs of the tasks that
  /// `startTask` started during it (the poller would run them right after the event): each runs
  /// until it first suspends or ends. Call on the poller thread only.
  func runStartedTasks() {
    precondition(isPollerThread, "started tasks are run on the poller thread only")
    runLocalJobs()
  }

  /// Whether a job enqueued now on the calling thread runs on this poller thread.
  fileprivate var keepsJobEnqueuedNow: Bool {
    isPollerThread && (keepsEveryJob || startingTask)
  }

  /// Starts shutting the queue down; the poller thread destroys it once every pending event is out.
  /// (The thread holds a reference to the queue object until then.)
  func shutdown() {
    turn?.roster.stop()
    cgrpc_grpc_completion_queue_shutdown()(pointer)
    roles?.shutdown()
  }
}

extension CompletionQueue {
  /// Starts an operation on this queue: `body` hands the core the tag pointer and returns whether
  /// the core accepted it (if not, no event will come and the tag is released here). The event
  /// is taken by the poller thread or by a waiting caller, never by the starter itself.
  @discardableResult
  func start(_ tag: CompletionTag, _ body: (UnsafeMutableRawPointer) -> Bool) -> Bool {
    let role = roles?.begin(mayLead: false)
    let pointer = tag.retainedPointer()
    if body(pointer) { return true }
    CompletionTag.releaseUnused(pointer)
    if let role { roles?.abandon(role) }
    return false
  }

  /// Starts a batch on `call` and waits for it; returns the core's result (an error means no event
  /// came) and whether the batch succeeded. On the client queue the caller may take the reply
  /// itself (`PollingRoles`) and then returns without suspending.
  func run(
    _ call: OpaquePointer, owner: AnyObject, ops: UnsafeMutablePointer<grpc_op>, count: Int
  ) async -> (error: grpc_call_error, success: Bool) {
    let tag = BatchTag(owner: owner)
    let role = roles?.begin(mayLead: !Self.onPollerThread)
    let pointer = tag.retainedPointer()
    let error = cgrpc_grpc_call_start_batch()(call, ops, count, pointer, nil)
    guard error == GRPC_CALL_OK else {
      CompletionTag.releaseUnused(pointer)
      if let role { roles?.abandon(role) }
      return (error, false)
    }
    if role == .leader, let success = lead(waitingFor: pointer) { return (error, success) }
    return (error, await tag.wait())
  }

  /// The leader's turn: waits on the queue for `own`'s event for up to `leaderWait`, completing
  /// any other event that comes first; returns `own`'s success flag, or `nil` if the wait ran out
  /// (the poller thread then takes over and completes `own` later).
  private func lead(waitingFor own: UnsafeMutableRawPointer) -> Bool? {
    guard let roles else { return nil }
    let deadline = coreDeadline(after: roles.leaderWait)
    while true {
      let event = cgrpc_grpc_completion_queue_next()(pointer, deadline, nil)
      guard event.type == GRPC_OP_COMPLETE else {
        roles.endLeadership(ranOut: true)
        return nil
      }
      roles.leaderTookEvent()
      guard let tag = event.tag else { continue }
      if tag == own {
        Unmanaged<CompletionTag>.fromOpaque(tag).release()
        roles.endLeadership(ranOut: false)
        return event.success != 0
      }
      CompletionTag.complete(tag, success: event.success != 0)
    }
  }
}

/// Where the calling code runs, for tests and diagnosis.
package enum RPCThreads {
  /// Whether the calling thread is the poller thread of a completion queue (a server's or the
  /// client's).
  package static var isPoller: Bool { CompletionQueue.onPollerThread }
}

/// Runs a task's jobs on a completion queue's poller thread when they are enqueued there (on the
/// client queue, a reply resumed them; on a server's, a handler's task started there), and on the
/// global concurrent executor otherwise.
@available(macOS 15.0, *)
final class CompletionQueueExecutor: TaskExecutor, @unchecked Sendable {
  unowned let queue: CompletionQueue

  init(queue: CompletionQueue) {
    self.queue = queue
  }

  func enqueue(_ job: consuming ExecutorJob) {
    if queue.keepsJobEnqueuedNow {
      queue.localJobs.append(UnownedJob(job))
    } else {
      // The job keeps its preference for this executor, so whatever resumes it on the poller
      // thread later still runs it there.
      globalConcurrentExecutor.enqueue(job)
    }
  }
}

/// A task executor for code that makes many RPCs at once: with it as the task's executor
/// preference, a call's continuation resumes directly on the completion-queue thread that saw the
/// response instead of waking a thread of the global executor. (Calls made one at a time need it
/// no longer: their callers take their own replies, see docs/rpc.md.)
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
