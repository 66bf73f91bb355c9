import RPC
import Testing

/// Each request for an incoming call is replaced after its call's first events (`ServerCall`
/// posts the replacement once no receive of the call is pending). With a backlog of one request
/// per queue, a replacement missed on any path leaves the next call waiting in the core until its
/// deadline: these calls would fail with DEADLINE_EXCEEDED.
@Suite struct RequestReplacementTests {
  static let answer = "/test.Replace/Answer"
  static let wait = "/test.Replace/Wait"
  static let timeout = Duration.seconds(5)

  static func server(pollers: Int, waiting gate: Recorder) throws -> Server {
    var configuration = ServerConfiguration()
    configuration.pollers = pollers
    configuration.acceptBacklog = 1
    configuration.maxReceiveMessageSize = 1024
    var router = Router()
    router.unary(answer) { request, _ in request }
    router.unary(wait) { request, _ in
      // Suspends until the test opens the gate.
      while !gate.all.contains("open") { try await Task.sleep(for: .milliseconds(5)) }
      return request
    }
    return try Server(configuration: configuration, router: router)
  }

  @Test(arguments: [1, 2])
  func everyKindOfCallLeavesARequestForTheNext(pollers: Int) async throws {
    let server = try Self.server(pollers: pollers, waiting: Recorder())
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    for round in 0..<5 {
      let message = Array("\(round)".utf8)
      #expect(try await channel.unary(path: Self.answer, request: message, timeout: Self.timeout).message == message)
      let unknown = await rpcError { try await channel.unary(path: "/test.Replace/Missing", request: [], timeout: Self.timeout) }
      #expect(unknown?.code == .unimplemented)
      let large = [UInt8](repeating: 7, count: 4096)
      let oversize = await rpcError { try await channel.unary(path: Self.answer, request: large, timeout: Self.timeout) }
      #expect(oversize?.code == .resourceExhausted)
    }
    #expect(try await channel.unary(path: Self.answer, request: [1], timeout: Self.timeout).message == [1])
    await server.shutdown(grace: .seconds(2))
  }

  @Test(arguments: [1, 2])
  func aSuspendedHandlerLeavesARequestForTheNext(pollers: Int) async throws {
    let gate = Recorder()
    let server = try Self.server(pollers: pollers, waiting: gate)
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    let waiting = Task { try await channel.unary(path: Self.wait, request: [9], timeout: .seconds(20)) }
    // While the first call's handler waits, others come and go.
    for round in 0..<3 {
      let message = Array("\(round)".utf8)
      #expect(try await channel.unary(path: Self.answer, request: message, timeout: Self.timeout).message == message)
    }
    gate.record("open")
    #expect(try await waiting.value.message == [9])
    await server.shutdown(grace: .seconds(2))
  }
}
