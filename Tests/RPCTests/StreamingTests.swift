import RPC
import Testing

@Suite struct StreamingTests {
  @Test func receivesEveryMessageThenOK() async throws {
    try await withEchoServer { (_, channel) async throws in
      let stream = channel.serverStreaming(path: EchoService.stream, request: "5".bytes, metadata: ["x-a": "1"])
      var items: [String] = []
      for try await message in stream { items.append(message.text) }
      #expect(items == ["item-0", "item-1", "item-2", "item-3", "item-4"])
      #expect(stream.status == .ok)
      #expect(stream.initialMetadata?["x-stream"] == "start")
      #expect(stream.trailingMetadata?["x-stream"] == "end")
    }
  }

  @Test func emptyStream() async throws {
    try await withEchoServer { (_, channel) async throws in
      var count = 0
      for try await _ in channel.serverStreaming(path: EchoService.stream, request: "0".bytes) { count += 1 }
      #expect(count == 0)
    }
  }

  @Test func failureAfterItemsIsThrownAtTheEnd() async throws {
    try await withEchoServer { (_, channel) async throws in
      var items: [String] = []
      let error = await rpcError {
        for try await message in channel.serverStreaming(path: EchoService.stream, request: "3|fail".bytes) {
          items.append(message.text)
        }
      }
      #expect(items == ["item-0", "item-1", "item-2"])
      #expect(error?.code == .resourceExhausted)
      #expect(error?.message == "stream aborted after 3 items")
      #expect(error?.initialMetadata["x-stream"] == "start")
    }
  }

  @Test func typedIteratorErrors() async throws {
    try await withEchoServer { (_, channel) async throws in
      var iterator = channel.serverStreaming(path: "/test.Echo/Missing", request: []).makeAsyncIterator()
      do throws(RPCError) {
        _ = try await iterator.next()
        Issue.record("expected UNIMPLEMENTED")
      } catch {
        // `error` is statically an RPCError here.
        #expect(error.code == .unimplemented)
      }
      // Iterating past the end keeps reporting the same outcome.
      do throws(RPCError) {
        _ = try await iterator.next()
        Issue.record("expected UNIMPLEMENTED again")
      } catch {
        #expect(error.code == .unimplemented)
      }
    }
  }

  @Test func stoppingEarlyCancelsTheCall() async throws {
    let recorder = Recorder()
    try await withEchoServer(recorder: recorder) { (_, channel) async throws in
      var received = 0
      for try await _ in channel.serverStreaming(path: EchoService.stream, request: "1000|slow".bytes) {
        received += 1
        if received == 3 { break }
      }
      #expect(received == 3)
      #expect(await eventually { recorder.all.contains("stream stopped") })
      #expect(!recorder.all.contains("stream done"))
    }
  }

  @Test func cancellingTheConsumingTask() async throws {
    let recorder = Recorder()
    try await withEchoServer(recorder: recorder) { (_, channel) async throws in
      let progress = Recorder()
      let task = Task {
        var received = 0
        do throws(RPCError) {
          for try await _ in channel.serverStreaming(path: EchoService.stream, request: "1000|slow".bytes) {
            received += 1
            progress.record("item")
          }
          return (received, Status.Code.ok)
        } catch {
          return (received, error.code)
        }
      }
      #expect(await eventually { progress.all.count >= 2 })
      task.cancel()
      let (received, code) = await task.value
      #expect(received >= 2 && received < 1000)
      #expect(code == .cancelled)
      #expect(await eventually { recorder.all.contains("stream stopped") })
    }
  }

  @Test func deadlineDuringStream() async throws {
    try await withEchoServer { (_, channel) async throws in
      var received = 0
      let error = await rpcError {
        for try await _ in channel.serverStreaming(
          path: EchoService.stream, request: "1000|slow".bytes, timeout: .seconds(3))
        {
          received += 1
        }
      }
      #expect(error?.code == .deadlineExceeded)
      #expect(received > 0)
    }
  }

  @Test func explicitCancel() async throws {
    try await withEchoServer { (_, channel) async throws in
      let stream = channel.serverStreaming(path: EchoService.stream, request: "1000|slow".bytes)
      var iterator = stream.makeAsyncIterator()
      #expect(try await iterator.next()?.text == "item-0")
      stream.cancel()
      let error = await rpcError { while try await iterator.next() != nil {} }
      #expect(error?.code == .cancelled)
      #expect(stream.status?.code == .cancelled)
    }
  }

  @Test func manyConcurrentStreams() async throws {
    try await withEchoServer { (_, channel) async throws in
      let total = try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<100 {
          group.addTask {
            var count = 0
            for try await _ in channel.serverStreaming(path: EchoService.stream, request: "20".bytes) { count += 1 }
            return count
          }
        }
        return try await group.reduce(0, +)
      }
      #expect(total == 2000)
    }
  }
}
