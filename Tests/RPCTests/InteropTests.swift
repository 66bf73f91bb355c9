import Foundation
import RPC
import Testing

/// Our Channel against a grpclib server, and a grpclib client against our Server.
@Suite(.serialized) struct InteropTests {
  private func channelChecks(_ channel: Channel) async throws {
    var metadata: Metadata = ["x-token": "tok-swift"]
    metadata.add("x-blob-bin", binary: [0, 1, 254, 255])
    let response = try await channel.unary(path: "/interop.Echo/Unary", request: "héllo".bytes, metadata: metadata)
    #expect(response.message.text == "héllo")
    #expect(response.initialMetadata["echo-x-token"] == "tok-swift")
    #expect(response.initialMetadata.firstBinary("echo-x-blob-bin") == [0, 1, 254, 255])
    #expect(response.trailingMetadata["x-trailer"] == "grpclib")

    let report = try await channel.unary(
      path: "/interop.Echo/Metadata", request: [], metadata: ["x-modal-token-id": "ak-123"], timeout: .seconds(20))
    let json = try JSONSerialization.jsonObject(with: Data(report.message)) as? [String: Any]
    let seen = (json?["metadata"] as? [[String]]) ?? []
    #expect(seen.contains(["x-modal-token-id", "ak-123"]))
    #expect((json?["user_agent"] as? String)?.hasPrefix("modal-swift-test/1.0 grpc-c/") == true)
    let deadline = json?["deadline"] as? Double ?? 0
    #expect(deadline > 18 && deadline < 21)  // the core rounds grpc-timeout up

    let message = "bad token: é % test"
    var detailsMetadata = Metadata()
    detailsMetadata.add("x-details-bin", binary: [0x0A, 0x00, 0xFF])
    let failure = await rpcError {
      try await channel.unary(path: "/interop.Echo/Fail", request: "16|\(message)".bytes, metadata: detailsMetadata)
    }
    #expect(failure?.code == .unauthenticated)
    #expect(failure?.message == message)
    #expect(failure?.status.details == [0x0A, 0x00, 0xFF])

    let start = ContinuousClock.now
    let late = await rpcError {
      try await channel.unary(path: "/interop.Echo/Sleep", request: "3000".bytes, timeout: .milliseconds(300))
    }
    #expect(late?.code == .deadlineExceeded)
    #expect(ContinuousClock.now - start < .seconds(2))

    let missing = await rpcError { try await channel.unary(path: "/interop.Echo/Nope", request: []) }
    #expect(missing?.code == .unimplemented)

    var items: [String] = []
    for try await item in channel.serverStreaming(path: "/interop.Echo/Stream", request: "5".bytes) {
      items.append(item.text)
    }
    #expect(items == (0..<5).map { "item-\($0)" })
    let streamFailure = await rpcError {
      for try await _ in channel.serverStreaming(path: "/interop.Echo/Stream", request: "2|fail".bytes) {}
    }
    #expect(streamFailure?.code == .resourceExhausted)

    let ok = try await withThrowingTaskGroup(of: Bool.self) { group in
      for index in 0..<500 {
        group.addTask {
          do {
            return try await channel.unary(
              path: "/interop.Echo/Unary", request: "c\(index)".bytes, timeout: .seconds(8)
            ).message.text == "c\(index)"
          } catch {
            return false
          }
        }
      }
      return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
    }
    #expect(ok == 500)
  }

  private var options: ChannelOptions {
    var options = ChannelOptions()
    options.userAgentPrefix = "modal-swift-test/1.0"
    return options
  }

  @Test func channelAgainstGrpclibServer() async throws {
    try await PythonInterop.withHelper(["serve"]) { port in
      try await channelChecks(try Channel(url: "http://127.0.0.1:\(port)", options: options))
    }
  }

  @Test func channelAgainstGrpclibServerOverTLS() async throws {
    let certificates = try await TestCertificates.load()
    var options = self.options
    options.rootCertificates = .file(certificates.caPath)
    let arguments = ["serve", "--tls-cert", certificates.serverChainPath, "--tls-key", certificates.serverKeyPath]
    try await PythonInterop.withHelper(arguments) { port in
      try await channelChecks(try Channel(url: "https://localhost:\(port)", options: options))
      // Without the private CA the handshake fails with a diagnosis.
      let untrusting = try Channel(url: "https://localhost:\(port)")
      let error = await rpcError { try await untrusting.unary(path: "/interop.Echo/Unary", request: []) }
      #expect(error?.connectionFailure?.kind == .tlsCertificate)
    }
  }

  private func checkGrpclibReport(_ report: [String: Any]) {
    let echo = report["echo"] as? [String: Any]
    #expect(echo?["reply"] as? String == "héllo")
    #expect((echo?["initial"] as? [String: String])?["echo-x-token"] == "tok-grpclib")
    #expect((echo?["trailing"] as? [String: String])?["x-trailer"] == "done")
    let fail = report["fail"] as? [String: Any]
    #expect(fail?["status"] as? String == "UNAUTHENTICATED")
    #expect(fail?["message"] as? String == "bad token: é % test")
    #expect((fail?["trailing"] as? [String: String])?["x-failure-trailer"] == "yes")
    let details = report["details"] as? [String: Any]
    #expect(details?["status"] as? String == "FAILED_PRECONDITION")
    #expect(details?["details"] as? String == "0001ff")
    let unimplemented = report["unimplemented"] as? [String: Any]
    #expect(unimplemented?["status"] as? String == "UNIMPLEMENTED")
    let info = (report["info"] as? [String: Any])?["reply"] as? String ?? ""
    #expect(info.contains("peer=ipv4:127.0.0.1:"))
    let remaining = info.split(separator: " ").first { $0.hasPrefix("remaining=") }.flatMap { Int($0.dropFirst(10)) }
    #expect((15...20).contains(remaining ?? -1), "\(info)")
    #expect((report["deadline"] as? [String: Any])?["status"] as? String == "DEADLINE_EXCEEDED")
    #expect(report["stream"] as? [String] == (0..<5).map { "item-\($0)" })
    #expect(report["concurrent_ok"] as? Int == 2000)
  }

  @Test func grpclibClientAgainstOurServer() async throws {
    let server = try Server(router: EchoService.router())
    do {
      checkGrpclibReport(try await PythonInterop.runClient(port: server.port))
    } catch {
      await server.shutdown(grace: .zero)
      throw error
    }
    await server.shutdown(grace: .seconds(1))
  }

  @Test func grpclibClientAgainstOurServerOverTLS() async throws {
    let certificates = try await TestCertificates.load()
    let server = try Server(
      configuration: ServerConfiguration(tls: certificates.serverTLS), router: EchoService.router())
    do {
      checkGrpclibReport(
        try await PythonInterop.runClient(port: server.port, caPath: certificates.caPath, host: "localhost"))
    } catch {
      await server.shutdown(grace: .zero)
      throw error
    }
    await server.shutdown(grace: .seconds(1))
  }

  /// The core would inflate a compressed message whole before checking its size (a 1 MB gzip
  /// message of zeros becomes 1 GB), so the server accepts uncompressed messages only.
  @Test func compressedRequestsAreRefusedBeforeInflating() async throws {
    try await withEchoServer { (server, _) async throws in
      let report = try await PythonInterop.runReporting([
        "gzip-request", "--port", "\(server.port)", "--path", EchoService.echo, "--inflated-size", "\(64 << 20)",
      ])
      #expect(report["status"] as? String == "\(Status.Code.unimplemented.rawValue)")
      #expect(report["message"] as? String == "Compression algorithm 'gzip' is disabled.")
    }
  }

  @Test func proxyRefusingTheTunnel() async throws {
    try await PythonInterop.withHelper(["refusing-proxy"]) { port in
      var options = ChannelOptions()
      options.proxy = .server("127.0.0.1:\(port)")
      let channel = try Channel(url: "http://api.example.test:443", options: options)
      let error = await rpcError { try await channel.unary(path: "/a/B", request: [], timeout: .seconds(10)) }
      #expect(error?.code == .unavailable)
      #expect(error?.connectionFailure?.kind == .proxy)
      #expect(error?.connectionFailure?.summary.contains("403") == true)
    }
  }
}
