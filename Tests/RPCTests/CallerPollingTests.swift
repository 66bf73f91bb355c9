import Foundation
@testable import RPC
import Testing

/// Callers that wait on the client completion queue for their own replies (`PollingRoles`).
@Suite(.serialized) struct CallerPollingTests {
  @Test func rolesHandTheQueueBetweenLeaderAndPollerThread() {
    let roles = PollingRoles(leadingAllowed: true)
    // Nothing in flight: the first caller leads; whoever starts a batch meanwhile follows.
    #expect(roles.begin(mayLead: true) == .leader)
    #expect(roles.begin(mayLead: true) == .follower)
    #expect(!roles.isThreadsTurn)
    // The leader takes its reply while the other batch is still in flight: the thread takes over.
    roles.leaderTookEvent()
    roles.endLeadership(ranOut: false)
    #expect(roles.isThreadsTurn)
    // While the thread waits, nobody leads; it stops once nothing is in flight.
    #expect(roles.begin(mayLead: true) == .follower)
    roles.threadTookEvent()
    #expect(roles.isThreadsTurn)
    roles.threadTookEvent()
    #expect(!roles.isThreadsTurn)
    #expect(roles.statistics == PollingRoles.Statistics(repliesTakenByCaller: 1, waitsRunOut: 0))

    // A leader whose wait runs out hands over, and the next batches do not lead for a while.
    #expect(roles.begin(mayLead: true) == .leader)
    roles.endLeadership(ranOut: true)
    #expect(roles.isThreadsTurn)
    roles.threadTookEvent()
    for _ in 0..<PollingRoles.coolDown {
      #expect(roles.begin(mayLead: true) == .follower)
      #expect(roles.isThreadsTurn)
      roles.threadTookEvent()
    }
    #expect(roles.begin(mayLead: true) == .leader)
    #expect(roles.statistics == PollingRoles.Statistics(repliesTakenByCaller: 1, waitsRunOut: 1))
    // A refused batch is uncounted; the leader's turn ends with nothing to hand over.
    roles.abandon(.leader)
    #expect(!roles.isThreadsTurn)
    #expect(roles.batchesInFlight == 0)

    // Batches that may not lead (status batches, connectivity watches, the poller thread's own
    // callers) wake the thread.
    #expect(roles.begin(mayLead: false) == .follower)
    #expect(roles.isThreadsTurn)
    roles.threadTookEvent()
    // With one processor nobody leads.
    let single = PollingRoles(leadingAllowed: false)
    #expect(single.begin(mayLead: true) == .follower)
    #expect(single.isThreadsTurn)
  }

  /// A queue whose callers may wait still ends its poller thread when shut down: with nothing in
  /// flight the thread was parked, never saw the shutdown event, and stayed for ever.
  @Test func shuttingDownEndsThePollerThread() async {
    func threads() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0 }
    // The first queue starts the gRPC core, whose own threads come and go: count after it.
    CompletionQueue().shutdown()
    try? await Task.sleep(for: .milliseconds(300))
    let before = threads()
    for _ in 0..<10 {
      CompletionQueue(roles: PollingRoles(leadingAllowed: true)).shutdown()
    }
    let ended = await eventually { threads() <= before + 2 }
    #expect(ended, "threads: \(before) before, \(threads()) after shutting down 10 queues")
  }

  /// Sequential calls on an otherwise idle queue take their own replies; a slow reply runs the
  /// wait out and is completed by the poller thread; with a stream in flight the poller thread
  /// takes every reply. Every call gets its own answer either way. (Leaders wait 150 ms here, not
  /// 1 ms, so that a loaded machine or a sanitizer build still answers an echo in time.)
  @Test func callsTakeTheirOwnRepliesAndHandOverWhenSlow() async throws {
    let queue = CompletionQueue(roles: PollingRoles(leadingAllowed: true, leaderWait: .milliseconds(150)))
    defer { queue.shutdown() }
    let roles = try #require(queue.roles)
    try await withEchoServer { (server, _) async throws in
      let channel = try Channel(
        target: ChannelTarget(url: "http://127.0.0.1:\(server.port)"), options: ChannelOptions(), queue: queue)
      for index in 0..<200 {
        #expect(try await channel.unary(path: EchoService.echo, request: "\(index)".bytes).message.text == "\(index)")
      }
      let afterEchoes = roles.statistics
      #expect(afterEchoes.repliesTakenByCaller >= 50, "\(afterEchoes)")

      let slow = try await channel.unary(path: EchoService.sleep, request: "400".bytes)
      #expect(slow.message.text == "slept")
      #expect(roles.statistics.waitsRunOut >= afterEchoes.waitsRunOut + 1)

      // A stream stays open (its status batch in flight) while unary calls run beside it: the
      // poller thread takes every reply, no caller leads.
      let stream = channel.serverStreaming(path: EchoService.stream, request: "20|slow".bytes)
      var iterator = stream.makeAsyncIterator()
      #expect(try await iterator.next()?.text == "item-0")
      let duringStream = roles.statistics
      for index in 0..<10 {
        #expect(try await channel.unary(path: EchoService.echo, request: "s\(index)".bytes).message.text == "s\(index)")
      }
      #expect(roles.statistics == duringStream)
      var items = 1
      while try await iterator.next() != nil { items += 1 }
      #expect(items == 20)

      // Many at once: one may lead, the rest follow; all are answered.
      let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
        for index in 0..<100 {
          group.addTask {
            try await channel.unary(path: EchoService.echo, request: "c\(index)".bytes).message.text == "c\(index)"
          }
        }
        return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
      }
      #expect(answered == 100)
      // Every batch was counted out again: nothing in flight, and the thread no longer waits (a
      // batch counted twice or never would leave the thread waiting and stop callers leading).
      #expect(roles.batchesInFlight == 0)
      #expect(!roles.isThreadsTurn)
    }
  }
}
