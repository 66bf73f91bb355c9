import RPC
import Testing

@Suite struct UnaryTests {
  @Test func echoWithMetadataBothWaysAndTrailers() async throws {
    try await withEchoServer { (_, channel) async throws in
      var metadata: Metadata = ["X-Token": "tok-123", "x-multi": "a"]
      metadata.add("x-multi", "b")
      metadata.add("x-blob-bin", binary: [0, 1, 2, 255])
      let response = try await channel.unary(path: EchoService.echo, request: "hello".bytes, metadata: metadata)
      #expect(response.message.text == "hello")
      #expect(response.initialMetadata["echo-x-token"] == "tok-123")
      #expect(response.initialMetadata.values("echo-x-multi") == ["a", "b"])
      #expect(response.initialMetadata.firstBinary("echo-x-blob-bin") == [0, 1, 2, 255])
      #expect(response.trailingMetadata["x-trailer"] == "done")
    }
  }

  @Test func emptyAndBinaryPayloads() async throws {
    try await withEchoServer { (_, channel) async throws in
      #expect(try await channel.unary(path: EchoService.echo, request: []).message == [])
      let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
      #expect(try await channel.unary(path: EchoService.echo, request: bytes).message == bytes)
    }
  }

  @Test(arguments: Status.Code.allCases.filter { $0 != .ok })
  func everyStatusCodeWithMessage(code: Status.Code) async throws {
    try await withEchoServer { (_, channel) async throws in
      let message = "bad token: é % test ✓ 100%25 \u{1F600}"
      let error = await rpcError {
        try await channel.unary(path: EchoService.fail, request: "\(code.rawValue)|\(message)".bytes)
      }
      #expect(error?.code == code)
      #expect(error?.message == message)
      #expect(error?.status.details == nil)
      #expect(error?.trailingMetadata["x-failure-trailer"] == "yes")
      #expect(error?.connectionFailure == nil)
    }
  }

  @Test func statusCodeNames() {
    #expect(Status.Code.unauthenticated.description == "UNAUTHENTICATED")
    #expect(Status.Code.deadlineExceeded.description == "DEADLINE_EXCEEDED")
    #expect(Status.Code.internal.description == "INTERNAL")
    #expect(Status.Code.allCases.count == 17)
    #expect(Status.Code(wireValue: 99) == .unknown)
    #expect(Status(code: .notFound, message: "no such app").description == "NOT_FOUND: no such app")
  }

  @Test func statusDetailsRoundTrip() async throws {
    try await withEchoServer { (_, channel) async throws in
      let details: [UInt8] = [0x08, 0x10, 0x12, 0x03, 0x61, 0x62, 0x63, 0x00, 0xFF]
      var metadata = Metadata()
      metadata.add("x-details-bin", binary: details)
      let error = await rpcError {
        try await channel.unary(path: EchoService.fail, request: "9|with details".bytes, metadata: metadata)
      }
      #expect(error?.code == .failedPrecondition)
      #expect(error?.status.details == details)
      #expect(error?.trailingMetadata.firstBinary(Status.detailsKey) == details)
    }
  }

  @Test func unknownMethodIsUnimplemented() async throws {
    try await withEchoServer { (_, channel) async throws in
      let error = await rpcError { try await channel.unary(path: "/test.Echo/Nope", request: []) }
      #expect(error?.code == .unimplemented)
      #expect(error?.message.contains("/test.Echo/Nope") == true)
    }
  }

  @Test func handlerErrorsThatAreNotRPCErrorsBecomeUnknown() async throws {
    struct Oops: Error {}
    var router = Router()
    router.unary("/t/Throw") { _, _ in throw Oops() }
    let server = try Server(router: router)
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    let error = await rpcError { try await channel.unary(path: "/t/Throw", request: []) }
    #expect(error?.code == .unknown)
    await server.shutdown(grace: .seconds(1))
  }

  @Test func deadlineExceededOnTime() async throws {
    let recorder = Recorder()
    try await withEchoServer(recorder: recorder) { (_, channel) async throws in
      let start = ContinuousClock.now
      let error = await rpcError {
        try await channel.unary(path: EchoService.sleep, request: "3000".bytes, timeout: .milliseconds(300))
      }
      let elapsed = ContinuousClock.now - start
      #expect(error?.code == .deadlineExceeded)
      #expect(elapsed >= .milliseconds(290))
      // Generous: on a loaded 2-core machine the deadline fires late, but never by seconds more.
      #expect(elapsed < .seconds(5))
      #expect(error?.connectionFailure == nil)
      // The handler's task (if the call reached it under load) was cancelled when the deadline passed.
      if recorder.all.contains("sleep started") {
        #expect(await eventually { recorder.all.contains("cancelled true") })
      }
    }
  }

  @Test func zeroTimeoutFailsAtOnce() async throws {
    try await withEchoServer { (_, channel) async throws in
      let error = await rpcError { try await channel.unary(path: EchoService.echo, request: [], timeout: .zero) }
      #expect(error?.code == .deadlineExceeded)
    }
  }

  @Test func serverSeesDeadlinePeerAuthorityAndMethod() async throws {
    var options = ChannelOptions()
    options.authority = "api.example.test"
    try await withEchoServer(channelOptions: options) { (_, channel) async throws in
      let response = try await channel.unary(path: EchoService.info, request: [], timeout: .seconds(30))
      let text = response.message.text
      #expect(text.contains("peer=ipv4:127.0.0.1:"))
      #expect(text.contains("authority=api.example.test"))
      // The server sees most of the 30 s (a loaded machine may take a few seconds to deliver).
      let remaining = text.split(separator: " ").first { $0.hasPrefix("remaining=") }.flatMap { Int($0.dropFirst(10)) }
      #expect(remaining.map { (20...30).contains($0) } == true, "\(text)")
      #expect(text.contains("method=/test.Echo/Info"))
      let untimed = try await channel.unary(path: EchoService.info, request: [])
      #expect(untimed.message.text.contains("remaining=none"))
    }
  }

  @Test func cancellingTheTaskCancelsTheCall() async throws {
    let recorder = Recorder()
    try await withEchoServer(recorder: recorder) { (_, channel) async throws in
      let task = Task { () async throws(RPCError) -> UnaryResponse in
        try await channel.unary(path: EchoService.sleep, request: "5000".bytes)
      }
      #expect(await eventually { recorder.all.contains("sleep started") })
      let start = ContinuousClock.now
      task.cancel()
      let result = await task.result
      #expect(ContinuousClock.now - start < .milliseconds(1500))
      switch result {
      case .success: Issue.record("expected CANCELLED")
      case .failure(let error): #expect((error as? RPCError)?.code == .cancelled)
      }
      #expect(await eventually { recorder.all.contains("cancelled true") })
    }
  }

  @Test func alreadyCancelledTaskFailsWithoutCalling() async throws {
    try await withEchoServer { (_, channel) async throws in
      let task = Task { () async throws(RPCError) -> UnaryResponse in
        withUnsafeCurrentTask { $0?.cancel() }
        return try await channel.unary(path: EchoService.echo, request: [])
      }
      switch await task.result {
      case .success: Issue.record("expected CANCELLED")
      case .failure(let error): #expect((error as? RPCError)?.code == .cancelled)
      }
    }
  }

  @Test func messagesAtAndOverTheSizeLimit() async throws {
    let limit = 1024 * 1024
    var configuration = ServerConfiguration()
    configuration.maxReceiveMessageSize = limit
    var options = ChannelOptions()
    options.maxReceiveMessageSize = limit
    try await withEchoServer(configuration: configuration, channelOptions: options) { (_, channel) async throws in
      let atLimit = [UInt8](repeating: 7, count: limit)
      #expect(try await channel.unary(path: EchoService.echo, request: atLimit).message == atLimit)
      let requestError = await rpcError { try await channel.unary(path: EchoService.echo, request: atLimit + [7]) }
      #expect(requestError?.code == .resourceExhausted)
      let responseError = await rpcError {
        try await channel.unary(path: EchoService.sized, request: "\(limit + 1)".bytes)
      }
      #expect(responseError?.code == .resourceExhausted)
      #expect(try await channel.unary(path: EchoService.sized, request: "\(limit)".bytes).message.count == limit)
    }
  }

  /// An unknown method and a message over the limit are refused before a handler runs: each is
  /// counted in `refusedCalls` and reported to the hook; served calls are not.
  @Test func callsRefusedBeforeTheHandlerAreCountedAndReported() async throws {
    let reported = Locked<[RefusedCall]>([])
    var configuration = ServerConfiguration()
    configuration.maxReceiveMessageSize = 1024
    configuration.refusedCallLog = ServerConfiguration.RefusedCallHook { call in reported.withLock { $0.append(call) } }
    try await withEchoServer(configuration: configuration) { (server, channel) async throws in
      _ = try await channel.unary(path: EchoService.echo, request: "fine".bytes)
      #expect(server.refusedCalls == 0)
      #expect(await rpcError { try await channel.unary(path: "/interop.Echo/Nope", request: []) }?.code == .unimplemented)
      #expect(await rpcError { try await channel.unary(path: EchoService.echo, request: [UInt8](repeating: 1, count: 2048)) }?.code == .resourceExhausted)
      #expect(await eventually { server.refusedCalls == 2 })
      let calls = reported.withLock { $0 }
      #expect(calls.map(\.code) == [.unimplemented, .resourceExhausted])
      #expect(calls.first?.method == "/interop.Echo/Nope" && calls.first?.peer.contains("127.0.0.1") == true)
    }
  }

  @Test func defaultLimitAllowsMessagesAboveFourMebibytes() async throws {
    try await withEchoServer { (_, channel) async throws in
      var big = [UInt8](repeating: 0x5A, count: 9 * 1024 * 1024)
      big[0] = 1
      big[big.count - 1] = 2
      let echoed = try await channel.unary(path: EchoService.echo, request: big).message
      #expect(echoed.count == big.count && echoed.first == 1 && echoed.last == 2)
    }
  }

  @Test func sendLimitOnTheClient() async throws {
    var options = ChannelOptions()
    options.maxSendMessageSize = 1000
    try await withEchoServer(channelOptions: options) { (_, channel) async throws in
      let error = await rpcError {
        try await channel.unary(path: EchoService.echo, request: [UInt8](repeating: 1, count: 1001))
      }
      #expect(error?.code == .resourceExhausted)
    }
  }

  @Test func thousandConcurrentCalls() async throws {
    try await withEchoServer { (_, channel) async throws in
      let ok = try await withThrowingTaskGroup(of: Bool.self) { group in
        for index in 0..<1000 {
          group.addTask {
            let response = try await channel.unary(path: EchoService.echo, request: "call-\(index)".bytes)
            return response.message.text == "call-\(index)"
          }
        }
        var count = 0
        for try await ok in group where ok { count += 1 }
        return count
      }
      #expect(ok == 1000)
    }
  }

  @Test func invalidMetadataIsRejectedBeforeSending() async throws {
    try await withEchoServer { (_, channel) async throws in
      for metadata: Metadata in [
        ["bad key": "x"], ["x-ok": "caf\u{E9}"], Metadata([.init(key: "x-raw", value: .binary([1]))]),
      ] {
        let error = await rpcError { try await channel.unary(path: EchoService.echo, request: [], metadata: metadata) }
        #expect(error?.code == .internal)
        #expect(error?.message.contains("metadata") == true)
      }
    }
  }
}
