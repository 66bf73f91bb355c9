#if canImport(Glibc)
  import Glibc
#endif
import RPC
import Testing

/// When a call starts watching for its end (RECV_CLOSE_ON_SERVER): with the reply of a handler that
/// never suspends, or as soon as a handler first suspends, or when a call ends before any handler.
@Suite struct CloseWatchTests {
  static let hold = "/test.Close/HoldThenSleep"

  /// A handler that keeps its thread 400 ms (past the client's deadline) before it first suspends,
  /// then sleeps 20 s unless cancelled.
  static func router(recorder: Recorder) -> Router {
    var router = Router()
    router.unary(hold) { _, _ in
      // Against the rule for handlers, on purpose: nothing watches the call while this runs.
      usleep(400_000)
      do {
        try await Task.sleep(for: .seconds(20))
        recorder.record("slept")
      } catch {
        recorder.record("cancelled")
      }
      return []
    }
    router.unary("/test.Close/Answer") { request, _ in request }
    return router
  }

  @Test func aHandlerIsCancelledOnceItSuspendsAfterTheCallEnded() async throws {
    let recorder = Recorder()
    let server = try Server(router: Self.router(recorder: recorder))
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    let error = await rpcError { try await channel.unary(path: Self.hold, request: [], timeout: .milliseconds(150)) }
    #expect(error?.code == .deadlineExceeded)
    // The call ended while the handler held its thread: the watch it gets when it suspends finds
    // that at once, long before its 20 s sleep would end.
    #expect(await eventually(timeout: .seconds(8)) { recorder.all.contains("cancelled") })
    #expect(!recorder.all.contains("slept"))
    await server.shutdown(grace: .seconds(2))
  }

  @Test func answeredAndRefusedCallsAreAllReleased() async throws {
    var configuration = ServerConfiguration()
    configuration.maxReceiveMessageSize = 1024
    let server = try Server(configuration: configuration, router: Self.router(recorder: Recorder()))
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    for index in 0..<200 {
      let response = try await channel.unary(path: "/test.Close/Answer", request: Array("\(index)".utf8))
      #expect(response.message == Array("\(index)".utf8))
    }
    for _ in 0..<20 {
      // Refused before a handler: an unknown method, and a message over the limit (the core
      // fails the receive, and no reply of ours goes out).
      #expect(await rpcError { try await channel.unary(path: "/test.Close/Missing", request: []) }?.code == .unimplemented)
      let large = [UInt8](repeating: 7, count: 4096)
      #expect(await rpcError { try await channel.unary(path: "/test.Close/Answer", request: large) }?.code == .resourceExhausted)
    }
    // A call never released would keep the core's shutdown from completing.
    let finished = Recorder()
    let shutdown = Task {
      await server.shutdown(grace: .seconds(30))
      finished.record("done")
    }
    #expect(await eventually(timeout: .seconds(10)) { finished.all == ["done"] })
    shutdown.cancel()
  }
}
