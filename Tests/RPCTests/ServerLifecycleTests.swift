import RPC
import Testing

@Suite struct ServerLifecycleTests {
  @Test func gracefulShutdownFinishesInFlightCalls() async throws {
    let recorder = Recorder()
    let server = try Server(router: EchoService.router(recorder: recorder))
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    let calls = (0..<5).map { _ in
      Task { try await channel.unary(path: EchoService.sleep, request: "400".bytes).message.text }
    }
    #expect(await eventually { recorder.all.filter { $0 == "sleep started" }.count == 5 })
    let start = ContinuousClock.now
    await server.shutdown(grace: .seconds(5))
    let elapsed = ContinuousClock.now - start
    for call in calls {
      #expect(try await call.value == "slept")
    }
    #expect(elapsed < .seconds(4))
    #expect(server.isShutDown)
    // New calls are refused once the server is gone.
    let error = await rpcError { try await channel.unary(path: EchoService.echo, request: [], timeout: .seconds(2)) }
    #expect(error?.code == .unavailable)
  }

  @Test func shutdownCancelsCallsThatOutliveTheGrace() async throws {
    let recorder = Recorder()
    let server = try Server(router: EchoService.router(recorder: recorder))
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    let call = Task { try await channel.unary(path: EchoService.sleep, request: "30000".bytes) }
    #expect(await eventually { recorder.all.contains("sleep started") })
    let start = ContinuousClock.now
    await server.shutdown(grace: .milliseconds(200))
    #expect(ContinuousClock.now - start < .seconds(5))
    let result = await call.result
    switch result {
    case .success: Issue.record("expected the call to be cancelled")
    case .failure(let error):
      let code = (error as? RPCError)?.code
      #expect(code == .cancelled || code == .unavailable)
    }
    #expect(await eventually { recorder.all.contains("cancelled true") })
  }

  @Test func shutdownDoesNotWaitForHandlersThatIgnoreCancellation() async throws {
    var router = Router()
    router.unary("/t/Stubborn") { _, _ in
      // Ignores cancellation on purpose: a blocking sleep in a detached thread would be worse.
      let end = ContinuousClock.now + .seconds(10)
      while ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(50)) }
      return []
    }
    let server = try Server(router: router)
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    let call = Task { try await channel.unary(path: "/t/Stubborn", request: []) }
    try await Task.sleep(for: .milliseconds(200))
    let start = ContinuousClock.now
    await server.shutdown(grace: .milliseconds(100))
    #expect(ContinuousClock.now - start < .seconds(5))
    let result = await call.result
    #expect((try? result.get()) == nil)
  }

  @Test func shutdownTwiceAndConcurrently() async throws {
    let server = try Server(router: EchoService.router())
    async let first: Void = server.shutdown(grace: .seconds(1))
    async let second: Void = server.shutdown(grace: .seconds(1))
    _ = await (first, second)
    await server.shutdown()
    #expect(server.isShutDown)
  }

  @Test func releasingAServerWithoutShutdownDoesNotHang() async throws {
    var port = 0
    do {
      let server = try Server(router: EchoService.router())
      port = server.port
      let channel = try Channel(url: "http://127.0.0.1:\(port)")
      _ = try await channel.unary(path: EchoService.echo, request: [1])
    }
    let channel = try Channel(url: "http://127.0.0.1:\(port)")
    let error = await rpcError { try await channel.unary(path: EchoService.echo, request: [1], timeout: .seconds(2)) }
    #expect(error?.code == .unavailable)
  }

  @Test func bindingAPortInUseFails() async throws {
    let server = try Server(router: Router())
    #expect(throws: RPCConfigurationError.self) {
      _ = try Server(configuration: ServerConfiguration(port: server.port), router: Router())
    }
    await server.shutdown(grace: .zero)
  }

  @Test func invalidTLSCredentialsFail() async throws {
    let tls = ServerConfiguration.TLS(certificateChainPEM: "not a certificate", privateKeyPEM: "not a key")
    #expect(throws: RPCConfigurationError.self) {
      _ = try Server(configuration: ServerConfiguration(tls: tls), router: Router())
    }
  }

  @Test func unixSocket() async throws {
    let path = "/tmp/rpc-test-\(UInt32.random(in: 0...UInt32.max)).sock"
    let server = try Server(configuration: ServerConfiguration(host: "unix:\(path)"), router: EchoService.router())
    let channel = try Channel(url: "unix://\(path)")
    #expect(try await channel.unary(path: EchoService.echo, request: "unix".bytes).message.text == "unix")
    await server.shutdown(grace: .seconds(1))
  }
}

@Suite struct RuntimeTests {
  /// The mangled names in the CGRPC shim must match the absl the core was built with, or the
  /// setting silently stays on: this checks them on the machine the tests run on.
  @Test func abslDeadlockDetectionIsTurnedOff() {
    #expect(GRPCRuntime.ignoresDeadlockCycles)
  }
}
