#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Who waits on the client completion queue, so that the thread the kernel wakes when a reply
/// arrives is the one that needs it.
///
/// The core makes progress on network I/O only while some thread waits in
/// `grpc_completion_queue_next`. With only a dedicated poller thread, every reply costs two
/// wake-ups: the kernel wakes the poller, then the poller wakes a thread of Swift's global
/// executor to resume the caller. gRPC's synchronous C++ client pays only the first: the caller's
/// thread waits for its own reply. So a caller that starts a batch while nothing else is in flight
/// becomes the *leader*: it waits on the queue itself for a short while (`leaderWait`), and if its
/// reply comes in time it carries on at once, without suspending. Everything else goes to the
/// poller thread, which waits only while batches are in flight and no leader waits (two threads
/// waiting on one queue would steal each other's events). When a leader's wait runs out it hands
/// the waiting to the poller thread and suspends; the next calls then do not lead for a while
/// (`coolDown`), so slow servers do not cost a blocked thread per call.
///
/// Invariant, kept under one mutex: while batches are in flight, exactly one of the leader and the
/// poller thread waits on the queue (or is about to).
final class PollingRoles: @unchecked Sendable {
  /// What `begin(mayLead:)` made the starter of a batch.
  enum Role {
    /// The starter waits on the queue itself (`lead`), then ends its turn with `endLeadership`.
    case leader
    /// Someone else takes the batch's event.
    case follower
  }

  /// How long a leader waits for its reply before it hands over, by default: about ten loopback
  /// round trips, short enough that blocking a thread of the global executor for it costs little.
  static let defaultLeaderWait: Duration = .milliseconds(1)
  /// How many batches start without a leader after a leader's wait ran out.
  static let coolDown = 64

  /// How long a leader waits for its reply before it hands over.
  let leaderWait: Duration

  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  /// Batches started whose events have not been taken yet.
  private var inFlight = 0
  private var leaderWaiting = false
  private var threadWaiting = false
  private var batchesWithoutLeader = 0
  /// Set by `shutdown()`: the poller thread then waits on the queue until it reports the shutdown.
  private var isShutDown = false
  /// Whether callers may lead at all.
  private let leadingAllowed: Bool
  private var counts = Statistics()

  /// What the leaders did so far (for tests and diagnosis).
  struct Statistics: Equatable {
    /// Leaders that took their own reply and carried on without suspending.
    var repliesTakenByCaller = 0
    /// Leaders whose wait ran out, handing over to the poller thread.
    var waitsRunOut = 0
  }

  /// `leadingAllowed` defaults to a second online processor, which is what sizes Swift's
  /// cooperative pool on Linux (libdispatch counts online processors, not the CPU affinity): with
  /// one, a waiting caller would hold the pool's only thread, which an in-process server may need
  /// to answer on. A process confined to one processor by `taskset` still has a two-thread pool
  /// and still gains: the benchmark with the client on one CPU ran at 0.97-1.01 of the C++ client with
  /// callers leading and 0.81 without (docs/benchmarks.md).
  init(
    leadingAllowed: Bool = sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2, leaderWait: Duration = PollingRoles.defaultLeaderWait
  ) {
    self.leaderWait = leaderWait
    mutex.initialize(to: pthread_mutex_t())
    pthread_mutex_init(mutex, nil)
    condition.initialize(to: pthread_cond_t())
    pthread_cond_init(condition, nil)
    self.leadingAllowed = leadingAllowed
  }

  /// What the leaders did so far.
  var statistics: Statistics { locked { counts } }

  /// Whether the poller thread should be waiting on the queue now.
  var isThreadsTurn: Bool { locked { threadWaiting } }

  /// Batches started whose events have not been taken yet.
  var batchesInFlight: Int { locked { inFlight } }

  deinit {
    pthread_cond_destroy(condition)
    pthread_mutex_destroy(mutex)
    condition.deallocate()
    mutex.deallocate()
  }

  private func locked<T>(_ body: () -> T) -> T {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return body()
  }

  /// Counts a batch about to start and decides who takes its event. Call before starting it.
  func begin(mayLead: Bool) -> Role {
    locked {
      inFlight += 1
      if leaderWaiting || threadWaiting || isShutDown { return .follower }
      if mayLead && leadingAllowed {
        if batchesWithoutLeader == 0 {
          leaderWaiting = true
          return .leader
        }
        batchesWithoutLeader -= 1
      }
      threadWaiting = true
      pthread_cond_signal(condition)
      return .follower
    }
  }

  /// Uncounts a batch the core refused to start (no event will come for it).
  func abandon(_ role: Role) {
    locked {
      inFlight -= 1
      if role == .leader { handOver() }
    }
  }

  /// Counts an event taken by the leader.
  func leaderTookEvent() {
    locked { inFlight -= 1 }
  }

  /// Ends the leader's turn; `ranOut` when its wait ended without its reply.
  func endLeadership(ranOut: Bool) {
    locked {
      if ranOut {
        batchesWithoutLeader = Self.coolDown
        counts.waitsRunOut += 1
      } else {
        counts.repliesTakenByCaller += 1
      }
      handOver()
    }
  }

  /// The leader stops waiting: the poller thread takes over if anything is still in flight.
  private func handOver() {
    leaderWaiting = false
    if inFlight > 0 {
      threadWaiting = true
      pthread_cond_signal(condition)
    }
  }

  /// Blocks the poller thread until it is its turn to wait on the queue.
  func waitForThreadTurn() {
    locked {
      while !threadWaiting { pthread_cond_wait(condition, mutex) }
    }
  }

  /// Counts an event taken by the poller thread, which stops waiting once nothing is in flight.
  func threadTookEvent() {
    locked {
      inFlight -= 1
      if inFlight == 0 && !isShutDown { threadWaiting = false }
    }
  }

  /// The queue is shutting down: from now on the poller thread waits on it, to see the shutdown
  /// event and destroy the queue (it would otherwise sleep in `waitForThreadTurn` for ever).
  func shutdown() {
    locked {
      isShutDown = true
      threadWaiting = true
      pthread_cond_signal(condition)
    }
  }
}
