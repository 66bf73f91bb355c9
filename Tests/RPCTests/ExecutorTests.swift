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
}
