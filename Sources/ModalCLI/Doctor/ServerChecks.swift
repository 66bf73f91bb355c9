#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import CShims
import Modal
import TOML
import TextSearch

/// `modal doctor`'s server checks: the URL, proxy variables, DNS, TCP, then TLS and HTTP/2 through
/// the RPC layer (its connection-failure classification), with a `ClientHello`.
struct ServerChecks {
  let invocation: Invocation

  /// Adds the findings; returns the server URL when the server answered gRPC.
  func run(config: ModalConfig?, credentials: Credentials?, into report: inout DoctorReport) async -> (url: String, hello: ModalError?)? {
    let url: String
    var origin = "the default"
    if let config, let resolved = try? config.resolve(.serverURL) {
      url = resolved.value?.stringValue ?? Setting.defaultServerURL
      switch resolved.source {
      case .environment(let name): origin = name
      case .profile(let name): origin = "profile '\(name)'"
      case .defaultValue: origin = "the default"
      }
    } else {
      url = invocation.host.modalVariable("MODAL_SERVER_URL") ?? Setting.defaultServerURL
    }
    var candidates: [ServerURL] = []
    do throws(ModalError) {
      // Every candidate of a failover list must parse; the first one is checked below.
      for part in url.split(separator: ",") { candidates.append(try ServerURL(String(part).trimmingWhitespace())) }
      guard !candidates.isEmpty else { throw ModalError(.invalidArgument, "The server URL is empty.") }
    } catch {
      report.add(
        "server", "server.url", .problem, "\(error.message) (server URL from \(origin))",
        fix: error.remedy ?? "Set MODAL_SERVER_URL or the profile's server_url to http://host:port or https://host")
      return nil
    }
    let endpoint = candidates[0]
    report.add("server", "server.url", .ok, "Server URL \(url) (from \(origin)).")

    let proxies = ["grpc_proxy", "https_proxy", "http_proxy", "no_grpc_proxy", "no_proxy", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"]
      .compactMap { name in invocation.host.variables[name].flatMap { $0.isEmpty ? nil : "\(name)=\(ServerURL.redacted($0))" } }
    report.add("server", "server.proxy", .info, proxies.isEmpty ? "No proxy variables are set." : "Proxy variables: \(proxies.joined(separator: ", ")).")

    if !endpoint.isUnixSocket && !checkNetwork(endpoint, direct: proxies.isEmpty, into: &report) { return nil }

    let probe: ModalClient
    do {
      // Without credentials a ClientHello still proves TLS and HTTP/2: the server answers UNAUTHENTICATED.
      probe = try await CLIClients.make(
        invocation, tokenID: credentials?.tokenID ?? "ak-doctor-probe", tokenSecret: credentials?.tokenSecret ?? "as-doctor-probe",
        serverURL: url)
    } catch {
      report.add("server", "server.grpc", .problem, error.message, fix: error.remedy)
      return nil
    }
    var helloError: ModalError?
    do {
      try await probe.hello()
    } catch {
      helloError = error
    }
    let tls = endpoint.usesTLS
    if let error = helloError, error.code == .connection || error.code == .unavailable || error.code == .timeout {
      let lower = error.message.lowercased()
      let check = lower.contains(text: "tls") || lower.contains(text: "certificate") ? "server.tls" : "server.grpc"
      report.add("server", check, .problem, error.message, fix: error.remedy)
      return nil
    }
    if let error = helloError, error.code == .unimplemented {
      report.add(
        "server", "server.grpc", .problem, "\(url) speaks gRPC but not Modal's API: \(error.message)",
        fix: "Check the server URL (MODAL_SERVER_URL or server_url)")
      return nil
    }
    if tls { report.add("server", "server.tls", .ok, "TLS handshake with \(endpoint.host) works; its certificate is trusted and valid for the host name.") }
    report.add("server", "server.grpc", .ok, "The server answers gRPC over HTTP/2\(tls ? " (TLS)" : " (plaintext)").")
    return (url, helloError)
  }

  /// DNS, then TCP (skipped when a proxy is in the way); false after a failure.
  private func checkNetwork(_ endpoint: ServerURL, direct: Bool, into report: inout DoctorReport) -> Bool {
    guard let addresses = Self.resolve(endpoint.host, port: endpoint.port), !addresses.isEmpty else {
      report.add(
        "server", "server.dns", .problem, "The host name \(endpoint.host) does not resolve.",
        fix: "Check the host in the server URL, the network and DNS (`getent hosts \(endpoint.host)`)")
      return false
    }
    report.add("server", "server.dns", .ok, "\(endpoint.host) resolves to \(addresses.map(\.text).joined(separator: ", ")).")
    if direct {
      if let failure = Self.connect(addresses[0], timeout: 5) {
        report.add(
          "server", "server.tcp", .problem, "TCP connection to \(addresses[0].text) port \(endpoint.port) failed: \(failure).",
          fix: "Check that the server runs and listens there (`nc -vz \(endpoint.host) \(endpoint.port)`), and the firewall")
        return false
      }
      report.add("server", "server.tcp", .ok, "TCP connection to \(addresses[0].text) port \(endpoint.port) works.")
    }
    return true
  }

  /// A resolved address with its text form.
  struct Address {
    let storage: [UInt8]
    let length: socklen_t
    let family: Int32
    let text: String
  }

  static func resolve(_ host: String, port: Int) -> [Address]? {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var result: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else { return nil }
    defer { freeaddrinfo(first) }
    var addresses: [Address] = []
    var cursor: UnsafeMutablePointer<addrinfo>? = first
    while let entry = cursor {
      if let sockaddr = entry.pointee.ai_addr {
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        getnameinfo(sockaddr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let bytes = Array(UnsafeRawBufferPointer(start: sockaddr, count: Int(entry.pointee.ai_addrlen)))
        if !addresses.contains(where: { $0.text == text }) {
          addresses.append(Address(storage: bytes, length: entry.pointee.ai_addrlen, family: entry.pointee.ai_family, text: text))
        }
      }
      cursor = entry.pointee.ai_next
    }
    return addresses
  }

  /// Connects with a time limit; nil on success, else the reason.
  static func connect(_ address: Address, timeout seconds: Int32) -> String? {
    let fd = socket(address.family, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return "cannot open a socket" }
    defer { close(fd) }
    _ = cshims_fcntl(fd, F_SETFL, cshims_fcntl(fd, F_GETFL, 0) | O_NONBLOCK)
    let started = address.storage.withUnsafeBytes { raw in
      #if canImport(Glibc)
        Glibc.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), address.length)
      #else
        Darwin.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), address.length)
      #endif
    }
    if started == 0 { return nil }
    guard cshims_errno() == EINPROGRESS else { return String(cString: strerror(cshims_errno())) }
    var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
    guard poll(&entry, 1, seconds * 1000) > 0 else { return "timed out after \(seconds) s" }
    var error: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
    return error == 0 ? nil : String(cString: strerror(error))
  }
}
