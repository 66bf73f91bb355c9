import Testing

@testable import RPC

/// The roster's decisions against a model of how the core matches calls to requests: a call goes
/// to the first queue, from its connection's own, that has a request pending.
@Suite struct PollerRosterTests {
  /// The state, plus the parts of the core the roster cannot see.
  struct Model {
    var roster: PollerRosterState
    /// Calls that arrived and are still open, by queue.
    var open: [Int] = []

    init(queues: Int = 2, backlog: Int = 4) {
      roster = PollerRosterState(queues: queues, backlog: backlog)
      roster.start()
    }

    /// The queue the core gives the next call of a connection pinned to `pinned`.
    func queueForNextCall(pinned: Int) -> Int? {
      let count = roster.requests.count
      return (0..<count).map { (pinned + $0) % count }.first { roster.requests[$0] > 0 }
    }

    /// One call arrives on the connection pinned to `pinned`, and the server does what the
    /// roster asks; the call stays open.
    @discardableResult
    mutating func arrive(pinned: Int = 0) -> (queue: Int, arrival: PollerArrival)? {
      guard let queue = queueForNextCall(pinned: pinned) else { return nil }
      let arrival = roster.arrival(on: queue, isCall: true)
      // The request that fired is a ServerCall that lives on as the call.
      if arrival.wakeHelpers {
        for helper in 1..<roster.requests.count { _ = roster.reserveRefill(of: helper) }
      }
      open.append(queue)
      return (queue, arrival)
    }

    /// The oldest open call ends and its ServerCall is released.
    mutating func closeOldest() {
      let queue = open.removeFirst()
      roster.callEnded()
      roster.released(on: queue)
    }

    /// `count` calls, each closed before the next one comes (a client with one stream).
    mutating func loneCalls(_ count: Int, pinned: Int = 0) {
      for _ in 0..<count {
        arrive(pinned: pinned)
        closeOldest()
      }
    }
  }

  @Test(arguments: [0, 1])
  func loneCallsDrainAndRestTheHelpers(pinned: Int) {
    var model = Model()
    model.loneCalls(PollerRosterState.loneArrivalsToRest - 1, pinned: pinned)
    #expect(model.roster.mode == .helping)
    #expect(model.roster.requests == [4, 4])
    model.loneCalls(1, pinned: pinned)
    #expect(model.roster.mode == .draining)
    // Within a backlog or two of calls the helper's requests are used up and it may park.
    model.loneCalls(9, pinned: pinned)
    #expect(model.roster.mode == .resting)
    #expect(model.roster.requests == [4, 0])
    #expect(model.roster.heldBack == 0)
    #expect(model.roster.mayPark(1))
    #expect(!model.roster.mayPark(0))
    // Resting, every call goes to the first queue, which keeps its backlog.
    model.loneCalls(100, pinned: 1)
    #expect(model.roster.requests == [4, 0])
    #expect(model.roster.liveCalls == [4, 0])
  }

  @Test func aHelperDoesNotParkWhileItsLastCallIsAlive() {
    var model = Model()
    model.loneCalls(PollerRosterState.loneArrivalsToRest)
    // A call on the helper is over, but its object is still held (its last event not taken yet).
    var heldOnHelper = 0
    while model.roster.mode == .draining {
      guard let arrived = model.arrive() else { break }
      model.open.removeLast()
      model.roster.callEnded()
      if arrived.queue == 1 { heldOnHelper += 1 } else { model.roster.released(on: arrived.queue) }
    }
    #expect(model.roster.mode == .resting)
    #expect(heldOnHelper == 4)
    for _ in 1..<heldOnHelper {
      model.roster.released(on: 1)
      #expect(!model.roster.mayPark(1))
    }
    model.roster.released(on: 1)
    #expect(model.roster.mayPark(1))
  }

  @Test func overlappingCallsBringTheHelpersBack() {
    var model = Model()
    model.loneCalls(PollerRosterState.loneArrivalsToRest + 20)
    #expect(model.roster.mode == .resting)
    model.arrive()
    model.arrive()
    #expect(model.roster.mode == .resting)  // one overlap is not enough
    let third = model.arrive()
    #expect(third?.arrival.wakeHelpers == false)
    let fourth = model.arrive()
    #expect(fourth?.arrival.wakeHelpers == true)
    #expect(model.roster.mode == .helping)
    #expect(model.roster.requests == [4, 4])
    #expect(!model.roster.mayPark(1))
  }

  @Test func theFirstQueueGetsBackWhatItHeldWhenHelpersReturnMidDrain() {
    var model = Model(backlog: 8)
    // The call that starts the drain is the first one held back.
    model.loneCalls(PollerRosterState.loneArrivalsToRest + 2)
    #expect(model.roster.mode == .draining)
    #expect(model.roster.heldBack == 3)
    for _ in 0..<4 { model.arrive() }
    #expect(model.roster.mode == .helping)
    #expect(model.roster.heldBack == 0)
    #expect(model.roster.requests == [8, 8])
  }

  @Test func anOverlapResetsTheRunOfLoneCalls() {
    var model = Model()
    model.loneCalls(PollerRosterState.loneArrivalsToRest - 2)
    model.arrive()  // the last lone call of the run
    model.arrive()  // overlaps it
    model.closeOldest()
    model.closeOldest()
    model.loneCalls(PollerRosterState.loneArrivalsToRest - 1)
    #expect(model.roster.mode == .helping)
  }

  @Test func aStoppedRosterNeverParksAndFailedRequestsAreNotReposted() {
    var model = Model()
    model.loneCalls(PollerRosterState.loneArrivalsToRest + 20)
    #expect(model.roster.mayPark(1))
    model.roster.stop()
    #expect(!model.roster.mayPark(1))
    let failed = model.roster.arrival(on: 0, isCall: false)
    #expect(failed == PollerArrival())
    #expect(model.roster.requests == [3, 0])
  }

  /// Phases of lone and overlapping calls on four queues, from connections pinned all over: no
  /// request is ever lost, and when a run of lone calls ends, the first queue holds its backlog
  /// and the helpers hold none.
  @Test func requestsAreNeverLostAcrossChangingLoads() {
    var model = Model(queues: 4, backlog: 6)
    let phases = [700, 3, 900, 40, 515, 2, 600, 1, 1_000, 513, 80, 512, 7]
    for (phase, length) in phases.enumerated() {
      let overlapping = phase % 2 == 1
      for call in 0..<length {
        let pinned = (call * 7 + phase) % 4
        if overlapping {
          model.arrive(pinned: pinned)
          if model.open.count > 3 { model.closeOldest() }
        } else {
          while !model.open.isEmpty { model.closeOldest() }
          model.loneCalls(1, pinned: pinned)
        }
        let posted = model.roster.requests.reduce(0, +) + model.roster.heldBack
        if model.roster.mode == .helping { #expect(posted == 6 * 4) }
        #expect(model.roster.requests.allSatisfy { $0 >= 0 })
        #expect(model.roster.requests.contains { $0 > 0 })
      }
      while !model.open.isEmpty { model.closeOldest() }
    }
    model.loneCalls(PollerRosterState.loneArrivalsToRest + 100)
    #expect(model.roster.mode == .resting)
    #expect(model.roster.requests == [6, 0, 0, 0])
    #expect(model.roster.liveCalls == [6, 0, 0, 0])
  }
}
