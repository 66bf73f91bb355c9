import RPC
import Testing

@Suite struct ChannelTargetTests {
  @Test func httpAndHttpsDefaults() throws {
    let plain = try ChannelTarget(url: "http://localhost")
    #expect(plain.transport == .plaintext && plain.host == "localhost" && plain.port == 80)
    let tls = try ChannelTarget(url: "https://api.modal.com")
    #expect(tls.transport == .tls && tls.host == "api.modal.com" && tls.port == 443)
    let withPort = try ChannelTarget(url: "HTTPS://api.example:8443/ignored/path?q=1")
    #expect(withPort.transport == .tls && withPort.port == 8443 && withPort.host == "api.example")
    let ipv6 = try ChannelTarget(url: "http://[::1]:50051")
    #expect(ipv6.host == "::1" && ipv6.port == 50051 && ipv6.hostAndPort == "[::1]:50051")
    let unix = try ChannelTarget(url: "unix:///var/run/modal.sock")
    #expect(unix.transport == .unixSocket && unix.host == "/var/run/modal.sock")
  }

  @Test func unknownScheme() {
    #expect {
      _ = try ChannelTarget(url: "ftp://example.com")
    } throws: { error in
      let error = error as? RPCConfigurationError
      return error?.code == .unknownScheme && error?.message.hasPrefix("Unknown scheme: ftp") == true
    }
  }

  @Test(arguments: ["localhost:50051", "api.modal.com", "", "//host"])
  func missingScheme(url: String) {
    #expect {
      _ = try ChannelTarget(url: url)
    } throws: { error in
      let error = error as? RPCConfigurationError
      return error?.code == .missingScheme
        && error?.message.contains("missing scheme") == true
        && error?.message.contains("write http://host:port or https://host") == true
    }
  }

  @Test(arguments: [
    "http://", "http://:80", "http://host:0", "http://host:65536", "http://host:x", "http://[::1", "http://u@host",
    "unix://relative",
  ])
  func invalidAddresses(url: String) {
    #expect {
      _ = try ChannelTarget(url: url)
    } throws: { error in
      (error as? RPCConfigurationError)?.code == .invalidAddress
    }
  }

  @Test func unreadableRootsFile() {
    var options = ChannelOptions()
    options.rootCertificates = .file("/nonexistent/roots.pem")
    #expect(throws: RPCConfigurationError.self) { _ = try Channel(url: "https://localhost:1", options: options) }
  }
}

@Suite struct MetadataTests {
  @Test func orderedMultiMapWithLowerCaseKeys() {
    var metadata: Metadata = ["X-Modal-Token-Id": "ak-1", "x-b": "2"]
    metadata.add("x-b", "3")
    metadata.add("Trace-Bin", binary: [1, 2])
    #expect(metadata.map(\.key) == ["x-modal-token-id", "x-b", "x-b", "trace-bin"])
    #expect(metadata["X-MODAL-TOKEN-ID"] == "ak-1")
    #expect(metadata.values("x-b") == ["2", "3"])
    #expect(metadata.firstBinary("trace-bin") == [1, 2])
    metadata.replace("x-b", "4")
    #expect(metadata.values("x-b") == ["4"])
    metadata.remove("x-b")
    #expect(!metadata.contains("x-b") && metadata.count == 2)
    var text: Metadata = ["x-bin": "raw"]
    text.add("x-text", "t")
    #expect(text.firstBinary("x-bin") == Array("raw".utf8))
    #expect(text.description == "[x-bin: <3 bytes>, x-text: t]")
  }
}

@Suite struct TLSTests {
  @Test func tlsWithPrivateRootsInlineAndFromFile() async throws {
    let certificates = try await TestCertificates.load()
    var inline = ChannelOptions()
    inline.rootCertificates = .pem(certificates.caPEM)
    try await withEchoServer(
      configuration: ServerConfiguration(tls: certificates.serverTLS), channelOptions: inline
    ) { (server, channel) async throws in
      #expect(try await channel.unary(path: EchoService.echo, request: "tls".bytes).message.text == "tls")
      var fromFile = ChannelOptions()
      fromFile.rootCertificates = .file(certificates.caPath)
      let second = try Channel(url: "https://localhost:\(server.port)", options: fromFile)
      let response = try await second.unary(path: EchoService.echo, request: "file".bytes, metadata: ["x-k": "v"])
      #expect(response.message.text == "file" && response.initialMetadata["echo-x-k"] == "v")
      var streamed = 0
      for try await _ in second.serverStreaming(path: EchoService.stream, request: "4".bytes) { streamed += 1 }
      #expect(streamed == 4)
    }
  }
}

@Suite struct ConnectionFailureTests {
  @Test func unresolvableHost() async throws {
    let channel = try Channel(url: "http://nonexistent.invalid:50051")
    let error = await rpcError { try await channel.unary(path: "/a/B", request: [], timeout: .seconds(10)) }
    #expect(error?.code == .unavailable)
    #expect(error?.connectionFailure?.kind == .dnsResolution)
    #expect(error?.connectionFailure?.summary == "could not resolve host nonexistent.invalid")
    #expect(error?.description == "UNAVAILABLE: could not resolve host nonexistent.invalid")
  }

  @Test func refusedPort() async throws {
    let channel = try Channel(url: "http://127.0.0.1:1")
    let error = await rpcError { try await channel.unary(path: "/a/B", request: [], timeout: .seconds(10)) }
    #expect(error?.code == .unavailable)
    #expect(error?.connectionFailure?.kind == .connectionRefused)
    #expect(error?.connectionFailure?.summary == "connection refused by 127.0.0.1:1")
    #expect(error?.remedy?.contains("server is running") == true)
  }

  @Test func refusedPortOnAStream() async throws {
    let channel = try Channel(url: "http://127.0.0.1:1")
    let error = await rpcError { for try await _ in channel.serverStreaming(path: "/a/B", request: []) {} }
    #expect(error?.connectionFailure?.kind == .connectionRefused)
  }

  @Test func untrustedCertificate() async throws {
    let certificates = try await TestCertificates.load()
    let server = try Server(
      configuration: ServerConfiguration(tls: certificates.serverTLS), router: EchoService.router())
    let channel = try Channel(url: "https://localhost:\(server.port)")  // system roots: the test CA is unknown
    let error = await rpcError { try await channel.unary(path: EchoService.echo, request: [], timeout: .seconds(10)) }
    #expect(error?.code == .unavailable)
    #expect(error?.connectionFailure?.kind == .tlsCertificate)
    #expect(error?.connectionFailure?.summary.hasPrefix("TLS handshake failed: certificate verify failed") == true)
    await server.shutdown(grace: .zero)
  }

  @Test func hostnameMismatch() async throws {
    let certificates = try await TestCertificates.load()
    let server = try Server(
      configuration: ServerConfiguration(tls: certificates.otherTLS), router: EchoService.router())
    var options = ChannelOptions()
    options.rootCertificates = .pem(certificates.caPEM)
    let channel = try Channel(url: "https://localhost:\(server.port)", options: options)
    let error = await rpcError { try await channel.unary(path: EchoService.echo, request: [], timeout: .seconds(10)) }
    #expect(error?.connectionFailure?.kind == .tlsHostname)
    #expect(error?.connectionFailure?.summary.contains("not valid for host name localhost") == true)
    // The same server is fine when the channel verifies the name the certificate has.
    options.authority = "other.example"
    let renamed = try Channel(url: "https://127.0.0.1:\(server.port)", options: options)
    #expect(try await renamed.unary(path: EchoService.echo, request: [9]).message == [9])
    await server.shutdown(grace: .zero)
  }

  @Test func tlsToAPlaintextServer() async throws {
    try await withEchoServer { (server, _) async throws in
      var options = ChannelOptions()
      options.rootCertificates = .pem(try await TestCertificates.load().caPEM)
      let channel = try Channel(url: "https://127.0.0.1:\(server.port)", options: options)
      let error = await rpcError { try await channel.unary(path: EchoService.echo, request: [], timeout: .seconds(10)) }
      #expect(error?.connectionFailure?.kind == .tlsHandshake || error?.connectionFailure?.kind == .connectionClosed)
    }
  }

  @Test func plaintextToATLSServer() async throws {
    let certificates = try await TestCertificates.load()
    let server = try Server(
      configuration: ServerConfiguration(tls: certificates.serverTLS), router: EchoService.router())
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    let error = await rpcError { try await channel.unary(path: EchoService.echo, request: [], timeout: .seconds(10)) }
    #expect(error?.connectionFailure?.kind == .connectionClosed)
    await server.shutdown(grace: .zero)
  }

  @Test func unreachableProxy() async throws {
    var options = ChannelOptions()
    options.proxy = .server("127.0.0.1:1")
    let channel = try Channel(url: "http://example.com:80", options: options)
    #expect(channel.proxy == "127.0.0.1:1")
    let error = await rpcError { try await channel.unary(path: "/a/B", request: [], timeout: .seconds(10)) }
    #expect(error?.connectionFailure?.kind == .proxy)
    #expect(error?.connectionFailure?.summary == "could not connect to the proxy 127.0.0.1:1: connection refused")
  }

  @Test func proxyDisabledIgnoresTheEnvironment() throws {
    var options = ChannelOptions()
    options.proxy = .disabled
    #expect(try Channel(url: "http://example.com", options: options).proxy == nil)
  }

  @Test func serverSentUnavailableIsNotAConnectionFailure() async throws {
    try await withEchoServer { (_, channel) async throws in
      let error = await rpcError { try await channel.unary(path: EchoService.fail, request: "14|try later".bytes) }
      #expect(error?.code == .unavailable)
      #expect(error?.connectionFailure == nil)
    }
  }
}
