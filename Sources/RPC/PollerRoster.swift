#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Decides when a server's extra completion queues are polled: the first queue always is, the
/// others (the helpers) while calls overlap, and their threads park while calls come one at a time.
///
/// Why: gRPC's `epoll1` engine lets one thread at a time wait in `epoll_wait`, and hands that role
/// to another waiting thread whenever it returns with work. With two polling threads and one call
/// at a time, each call wakes both threads (about three context switches per call against one with
/// a single poller; docs/benchmarks.md). With overlapping calls the second thread earns its keep:
/// it reads and serves its share in parallel. A parked helper waits outside the core, so the engine
/// has nobody to hand its role to.
///
/// A helper may only park once nothing can complete on its queue. The core matches an incoming
/// call to any queue with a pending request (the connection's own first), and a request cannot be
/// withdrawn, so resting goes through a drain: the helpers stop re-posting their requests, and the
/// first queue holds back its own until the helpers' are used up, which sends the next calls to
/// the helpers. Then the first queue gets back what it held, and each helper parks once the last
/// call it holds is released.
final class PollerRoster: @unchecked Sendable {
  private var state: PollerRosterState
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

  /// A roster for `queues` completion queues (at least 2) that each keep `backlog` requests posted.
  init(queues: Int, backlog: Int) {
    state = PollerRosterState(queues: queues, backlog: backlog)
    mutex.initialize(to: pthread_mutex_t())
    pthread_mutex_init(mutex, nil)
    condition.initialize(to: pthread_cond_t())
    pthread_cond_init(condition, nil)
  }

  deinit {
    pthread_cond_destroy(condition)
    pthread_mutex_destroy(mutex)
    condition.deallocate()
    mutex.deallocate()
  }

  /// Runs `body` on the roster's state under its lock.
  func withState<Result>(_ body: (inout PollerRosterState) -> Result) -> Result {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return body(&state)
  }

  /// Called by a helper's poller thread before each wait on its queue: parks the thread while the
  /// helpers rest and nothing can complete on `queue`. Returns whether the thread must look again
  /// soon (`PollerTurn.recheckInterval`): while the helpers drain or rest, its last call may be
  /// released on another thread while it waits, and no event would tell it.
  func waitForTurn(queue: Int) -> Bool {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    while state.mayPark(queue) {
      state.parkedHelpers += 1
      pthread_cond_wait(condition, mutex)
      state.parkedHelpers -= 1
    }
    return state.mode == .draining || state.mode == .resting
  }

  /// Wakes parked helpers (after their requests were posted again, or to stop).
  func wakeHelpers() {
    pthread_mutex_lock(mutex)
    pthread_cond_broadcast(condition)
    pthread_mutex_unlock(mutex)
  }

  /// From now on every queue is polled until it shuts down (the server is shutting down).
  func stop() {
    withState { $0.stop() }
    wakeHelpers()
  }

  /// How many helper threads are parked now (for tests and diagnosis).
  var parkedHelpers: Int { withState { $0.parkedHelpers } }
}

/// A helper queue's place in a `PollerRoster`, which its poller thread consults before each wait.
struct PollerTurn: Sendable {
  let roster: PollerRoster
  /// The queue's index among the server's queues (1 or more: the first queue is never parked).
  let queue: Int

  /// How long a draining or resting helper waits on its queue before it looks at the roster again,
  /// for the case where its last call was released on another thread while it waited. (While the
  /// helpers help, a helper keeps requests posted, so the drain that ends it sends it events.)
  static let recheckInterval: Duration = .milliseconds(100)
}

/// What a call's arrival asks of the server: which requests to post, and whether the helpers
/// start polling again.
struct PollerArrival: Equatable {
  /// Post a request on the queue the call arrived on (already counted).
  var repostHere = false
  /// Post this many requests on the first queue (already counted).
  var firstQueueRequests = 0
  /// Refill each helper's requests (`PollerRosterState.reserveRefill(of:)`) and wake the helpers.
  var wakeHelpers = false
}

/// The decisions of a `PollerRoster`, apart from its threads, so they can be tested alone.
struct PollerRosterState {
  /// Where the helpers are.
  enum Mode: Equatable {
    /// Every queue is polled and keeps its requests posted.
    case helping
    /// The helpers' requests are being used up; the first queue holds its re-posts back meanwhile.
    case draining
    /// The helpers hold no requests; each parks once its last call is released.
    case resting
    /// The server is shutting down: every queue is polled to the end.
    case stopped
  }

  /// Overlapping arrivals in a row that bring the helpers back.
  static let overlapsToHelp = 3
  /// Lone arrivals in a row after which the helpers drain and rest.
  static let loneArrivalsToRest = 512

  private(set) var mode = Mode.helping
  let backlog: Int
  /// Calls that arrived and have neither started their final batch nor closed.
  private(set) var callsInFlight = 0
  private var overlapsInARow = 0
  private var loneArrivalsInARow = 0
  /// Requests the first queue did not re-post while the helpers drained.
  private(set) var heldBack = 0
  /// Requests posted and not yet matched, per queue.
  private(set) var requests: [Int]
  /// `ServerCall` objects alive, per queue: its pending requests and the calls that arrived on it.
  private(set) var liveCalls: [Int]
  private var helperRequests = 0
  /// Helper threads parked now.
  var parkedHelpers = 0

  init(queues: Int, backlog: Int) {
    self.backlog = backlog
    requests = Array(repeating: 0, count: queues)
    liveCalls = requests
  }

  /// Counts the initial requests: `backlog` on each queue.
  mutating func start() {
    for queue in requests.indices { reserve(backlog, on: queue) }
  }

  /// A request on `queue` completed: `isCall` if it brought a call, else it failed (shutdown).
  mutating func arrival(on queue: Int, isCall: Bool) -> PollerArrival {
    requests[queue] -= 1
    if queue > 0 { helperRequests -= 1 }
    guard isCall else { return PollerArrival() }
    callsInFlight += 1
    if callsInFlight > 1 {
      overlapsInARow += 1
      loneArrivalsInARow = 0
    } else {
      loneArrivalsInARow += 1
      overlapsInARow = 0
    }
    var arrival = PollerArrival()
    switch mode {
    case .stopped:
      arrival.repostHere = true
    case .helping:
      if loneArrivalsInARow >= Self.loneArrivalsToRest, requests.count > 1 { mode = .draining }
    case .draining, .resting:
      if overlapsInARow >= Self.overlapsToHelp {
        mode = .helping
        arrival.firstQueueRequests = heldBack
        heldBack = 0
        arrival.wakeHelpers = true
      }
    }
    switch mode {
    case .helping, .stopped: arrival.repostHere = true
    case .draining, .resting:
      if queue == 0 {
        if mode == .draining, helperRequests > 0 { heldBack += 1 } else { arrival.repostHere = true }
      }
    }
    if mode == .draining, helperRequests == 0 {
      mode = .resting
      arrival.firstQueueRequests += heldBack
      heldBack = 0
    }
    if arrival.repostHere { reserve(1, on: queue) }
    reserve(arrival.firstQueueRequests, on: 0)
    return arrival
  }

  /// Counts the requests that bring `queue` (a helper) back to its backlog, to be posted now.
  mutating func reserveRefill(of queue: Int) -> Int {
    let missing = max(0, backlog - requests[queue])
    reserve(missing, on: queue)
    return missing
  }

  /// A request counted by `reserve` was refused by the core (no event will come for it).
  mutating func requestFailed(on queue: Int) {
    requests[queue] -= 1
    if queue > 0 { helperRequests -= 1 }
  }

  /// A call that arrived started its final batch, or closed before it did.
  mutating func callEnded() {
    callsInFlight -= 1
  }

  /// A `ServerCall` of `queue` (a request, or a call that arrived on it) is gone.
  mutating func released(on queue: Int) {
    liveCalls[queue] -= 1
  }

  /// Whether the poller thread of `queue` may park now.
  func mayPark(_ queue: Int) -> Bool {
    queue > 0 && (mode == .draining || mode == .resting) && liveCalls[queue] == 0
  }

  /// Every queue is polled from now on.
  mutating func stop() {
    mode = .stopped
  }

  private mutating func reserve(_ count: Int, on queue: Int) {
    requests[queue] += count
    liveCalls[queue] += count
    if queue > 0 { helperRequests += count }
  }
}
