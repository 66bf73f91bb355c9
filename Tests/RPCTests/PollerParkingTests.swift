import RPC
import Testing

/// A server with two pollers parks the second while calls come one at a time, and brings it back
/// when they overlap (`PollerRoster`), without losing or delaying a call on the way.
@Suite struct PollerParkingTests {
  /// Enough lone calls to start the drain (512) and use up both queues' requests (the first
  /// queue's held back, then the helper's), with room to spare.
  static let loneCallsToPark = 512 + 2 * 16 + 100

  static func twoPollerServer() throws -> Server {
    var configuration = ServerConfiguration()
    configuration.pollers = 2
    configuration.acceptBacklog = 16
    return try Server(configuration: configuration, router: EchoService.router())
  }

  /// Makes `count` calls one after another; returns how many came back with the wrong reply.
  static func loneCalls(_ count: Int, on channel: Channel) async throws -> Int {
    var wrong = 0
    for index in 0..<count {
      let reply = try await channel.unary(path: EchoService.echo, request: "\(index)".bytes)
      if reply.message.text != "\(index)" { wrong += 1 }
    }
    return wrong
  }

  @Test func theSecondPollerParksForLoneCallsAndWakesForOverlappingOnes() async throws {
    let server = try Self.twoPollerServer()
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    #expect(try await Self.loneCalls(100, on: channel) == 0)
    #expect(server.parkedPollers == 0)
    #expect(try await Self.loneCalls(Self.loneCallsToPark, on: channel) == 0)
    #expect(await eventually { server.parkedPollers == 1 })

    // New connections are served while it rests, whichever queue the core pinned them to.
    for _ in 0..<4 {
      let other = try Channel(url: "http://127.0.0.1:\(server.port)")
      #expect(try await Self.loneCalls(20, on: other) == 0)
    }
    #expect(server.parkedPollers == 1)

    // Sixteen callers at once bring it back, and every call is answered.
    let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
      for _ in 0..<16 { group.addTask { try await Self.loneCalls(40, on: channel) } }
      return try await group.reduce(0, +)
    }
    #expect(wrong == 0)
    #expect(server.parkedPollers == 0)

    // And lone calls rest it again.
    #expect(try await Self.loneCalls(Self.loneCallsToPark, on: channel) == 0)
    #expect(await eventually { server.parkedPollers == 1 })
    await server.shutdown(grace: .seconds(2))
    #expect(server.isShutDown)
    #expect(server.parkedPollers == 0)
  }

  @Test func aServerWhosePollerIsParkedShutsDownAtOnce() async throws {
    let server = try Self.twoPollerServer()
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    #expect(try await Self.loneCalls(Self.loneCallsToPark, on: channel) == 0)
    #expect(await eventually { server.parkedPollers == 1 })
    let start = ContinuousClock.now
    await server.shutdown(grace: .seconds(5))
    #expect(ContinuousClock.now - start < .seconds(2))
    #expect(server.isShutDown)
  }

  @Test func callsStillOpenKeepTheSecondPollerHelping() async throws {
    let server = try Self.twoPollerServer()
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    // While slow calls are open, every new call overlaps them.
    let slow = (0..<3).map { _ in
      Task { try await channel.unary(path: EchoService.sleep, request: "3000".bytes).message.text }
    }
    #expect(try await Self.loneCalls(Self.loneCallsToPark, on: channel) == 0)
    #expect(server.parkedPollers == 0)
    for call in slow { #expect(try await call.value == "slept") }
    #expect(try await Self.loneCalls(Self.loneCallsToPark, on: channel) == 0)
    #expect(await eventually { server.parkedPollers == 1 })
    await server.shutdown(grace: .seconds(2))
  }
}
