import RPC
import Testing

/// Calls made with `RPCExecutor.shared` as the task executor preference.
@Suite struct ExecutorTests {
  @Test func callsStreamsAndCancellationOnTheCompletionQueueExecutor() async throws {
    guard #available(macOS 15.0, *) else { return }
    let recorder = Recorder()
    try await withEchoServer(recorder: recorder) { (_, channel) async throws in
      try await withTaskExecutorPreference(RPCExecutor.shared) {
        for index in 0..<200 {
          #expect(try await channel.unary(path: EchoService.echo, request: "\(index)".bytes).message.text == "\(index)")
        }
        let ok = try await withThrowingTaskGroup(of: Bool.self) { group in
          for index in 0..<300 {
            group.addTask {
              try await channel.unary(path: EchoService.echo, request: "c\(index)".bytes).message.text == "c\(index)"
            }
          }
          var count = 0
          for try await ok in group where ok { count += 1 }
          return count
        }
        #expect(ok == 300)
        var items = 0
        for try await _ in channel.serverStreaming(path: EchoService.stream, request: "50".bytes) { items += 1 }
        #expect(items == 50)
        let error = await rpcError { try await channel.unary(path: EchoService.fail, request: "5|gone".bytes) }
        #expect(error?.code == .notFound)
        let task = Task { try await channel.unary(path: EchoService.sleep, request: "5000".bytes) }
        #expect(await eventually { recorder.all.contains("sleep started") })
        task.cancel()
        switch await task.result {
        case .success: Issue.record("expected CANCELLED")
        case .failure(let error): #expect((error as? RPCError)?.code == .cancelled)
        }
      }
    }
  }

  /// A handler's task starts on the server's poller thread (no wake-up of another thread for a
  /// handler that never suspends) and, once it suspended, goes on off the poller, so a handler
  /// that waits for the store or ignores cancellation never stalls the server's I/O.
  @Test func handlersRunOnThePollerOnlyUntilTheyFirstSuspend() async throws {
    var router = Router()
    router.unary("/t/Where") { _, _ in
      let before = RPCThreads.isPoller
      try await Task.sleep(for: .milliseconds(5))
      return [before ? 1 : 0, RPCThreads.isPoller ? 1 : 0]
    }
    for pollers in [1, 3] {
      var configuration = ServerConfiguration()
      configuration.pollers = pollers
      let server = try Server(configuration: configuration, router: router)
      let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
      for _ in 0..<20 {
        let reply = try await channel.unary(path: "/t/Where", request: []).message
        #expect(reply == [1, 0])
      }
      // Calls at once, spread over the pollers' queues.
      let replies = try await withThrowingTaskGroup(of: [UInt8].self) { group in
        for _ in 0..<60 { group.addTask { try await channel.unary(path: "/t/Where", request: []).message } }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      #expect(replies.count == 60 && replies.allSatisfy { $0 == [1, 0] }, "\(pollers) pollers")
      #expect(!RPCThreads.isPoller)
      await server.shutdown(grace: .seconds(1))
      #expect(server.isShutDown)
    }
  }
}
