import RPC
import Testing

/// Unary methods with an immediate handler (`Router.unary(_:immediate:_:)`): it runs first, on
/// the poller thread and outside any task; its answer or error ends the call, and `nil` hands the
/// call to the asynchronous handler with the same context.
@Suite struct ImmediateHandlerTests {
  static let path = "/test.Immediate/Call"

  /// The immediate handler answers requests starting with "now", refuses "refuse", and leaves
  /// the rest to the asynchronous handler; both note where they ran.
  static func server(recorder: Recorder) throws -> Server {
    var router = Router()
    router.unary(
      path,
      immediate: { request, context in
        let inTask = withUnsafeCurrentTask { $0 != nil }
        recorder.record("immediate poller=\(RPCThreads.isPoller) task=\(inTask)")
        context.addTrailingMetadata("x-immediate", "seen")
        if request.starts(with: Array("refuse".utf8)) {
          throw RPCError(code: .permissionDenied, message: "refused at once")
        }
        return request.starts(with: Array("now".utf8)) ? Array("at once".utf8) : nil
      },
      { request, context in
        try await Task.sleep(for: .milliseconds(1))
        recorder.record("handler")
        context.addTrailingMetadata("x-handler", "seen")
        return Array("later".utf8)
      })
    return try Server(router: router)
  }

  /// Runs `body` against a fresh server, then shuts the server down.
  static func withServer(_ body: (Recorder, Channel) async throws -> Void) async throws {
    let recorder = Recorder()
    let server = try server(recorder: recorder)
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    try await body(recorder, channel)
    await server.shutdown(grace: .seconds(2))
  }

  @Test func anAnswerOfTheImmediateHandlerEndsTheCallWithoutATask() async throws {
    try await Self.withServer { recorder, channel in
      let response = try await channel.unary(path: Self.path, request: Array("now".utf8))
      #expect(response.message == Array("at once".utf8))
      #expect(response.trailingMetadata["x-immediate"] == "seen")
      #expect(recorder.all == ["immediate poller=true task=false"])
    }
  }

  @Test func nilHandsTheCallToTheHandlerWithTheSameContext() async throws {
    try await Self.withServer { recorder, channel in
      let response = try await channel.unary(path: Self.path, request: Array("wait".utf8))
      #expect(response.message == Array("later".utf8))
      #expect(response.trailingMetadata["x-immediate"] == "seen")
      #expect(response.trailingMetadata["x-handler"] == "seen")
      #expect(recorder.all == ["immediate poller=true task=false", "handler"])
    }
  }

  @Test func anErrorOfTheImmediateHandlerIsTheCallsStatus() async throws {
    try await Self.withServer { recorder, channel in
      let error = await rpcError { try await channel.unary(path: Self.path, request: Array("refuse".utf8)) }
      #expect(error?.code == .permissionDenied)
      #expect(error?.status.message == "refused at once")
      #expect(recorder.all == ["immediate poller=true task=false"])
      // The server still answers after it.
      let after = try await channel.unary(path: Self.path, request: Array("now".utf8))
      #expect(after.message == Array("at once".utf8))
    }
  }
}
