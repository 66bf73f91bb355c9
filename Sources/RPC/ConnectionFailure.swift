import TextSearch

/// Why a channel could not reach its server, diagnosed from the gRPC core's error text.
public struct ConnectionFailure: Sendable, Hashable, CustomStringConvertible {
  /// The class of failure.
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    /// The host name could not be resolved.
    case dnsResolution
    /// The host answered but refused the TCP connection (nothing listens on the port).
    case connectionRefused
    /// No route to the host or network.
    case hostUnreachable
    /// The TCP connection or handshake did not complete in time.
    case connectionTimeout
    /// The TLS handshake failed for a reason other than the certificate.
    case tlsHandshake
    /// The server's certificate is not signed by a trusted authority (or is expired or invalid).
    case tlsCertificate
    /// The server's certificate is valid but not for the host name connected to.
    case tlsHostname
    /// The HTTP CONNECT proxy could not be reached or refused the tunnel.
    case proxy
    /// The connection was established and then closed or reset.
    case connectionClosed
    /// The port answered something other than HTTP/2 (HTTP/1.1, TLS, another protocol).
    case notHTTP2
    /// Some other failure; see `detail`.
    case other
  }

  /// The class of failure.
  public var kind: Kind
  /// What was being connected to (`host:port`, or the proxy's `host:port` for proxy failures).
  public var endpoint: String
  /// One sentence for people, for example "connection refused by 127.0.0.1:1".
  public var summary: String
  /// What to try.
  public var remedy: String
  /// The gRPC core's text the diagnosis was made from.
  public var detail: String

  /// Creates a diagnosis.
  public init(kind: Kind, endpoint: String, summary: String, remedy: String, detail: String) {
    self.kind = kind
    self.endpoint = endpoint
    self.summary = summary
    self.remedy = remedy
    self.detail = detail
  }

  /// The summary.
  public var description: String { summary }

  /// Classifies an UNAVAILABLE status; `nil` when the text is not a connection failure (for
  /// example a server that itself answered UNAVAILABLE).
  static func diagnose(message: String, debug: String, target: ChannelTarget, proxy: String?) -> ConnectionFailure? {
    let text = message.isEmpty ? debug : message
    let lower = text.lowercased()
    let endpoint = failingEndpoint(in: text) ?? target.hostAndPort
    func make(_ kind: Kind, _ endpoint: String, _ summary: String, _ remedy: String) -> ConnectionFailure {
      ConnectionFailure(kind: kind, endpoint: endpoint, summary: summary, remedy: remedy, detail: text)
    }

    if lower.contains(text: "http proxy") || lower.contains(text: "proxy") && lower.contains(text: "response code") {
      let via = proxy ?? endpoint
      return make(
        .proxy, via, "the proxy \(via) refused the tunnel to \(target.hostAndPort): \(lastError(text))",
        proxyRemedy)
    }
    if lower.contains(text: "dns resolution failed") || lower.contains(text: "domain name not found")
      || lower.contains(text: "could not resolve")
    {
      let name = resolvedName(in: text) ?? target.host
      if let proxy, name != target.host {
        return make(.proxy, proxy, "could not resolve the proxy host \(name)", proxyRemedy)
      }
      return make(
        .dnsResolution, target.hostAndPort, "could not resolve host \(name)",
        "check the host name in the server URL, the network connection and the DNS settings")
    }
    if let reason = tcpFailure(lower) {
      if let proxy {
        return make(
          .proxy, proxy, "could not connect to the proxy \(proxy): \(reason.phrase)", proxyRemedy)
      }
      switch reason {
      case .refused:
        return make(
          .connectionRefused, endpoint, "connection refused by \(endpoint)",
          "check that the server is running and listening on that address and port")
      case .unreachable:
        return make(
          .hostUnreachable, endpoint, "\(endpoint) is unreachable (no route to the host or network)",
          "check the network connection, VPN and firewall")
      case .timedOut:
        return make(
          .connectionTimeout, endpoint, "timed out connecting to \(endpoint)",
          "check the network connection and firewall; the server may be down")
      }
    }
    if lower.contains(text: "peer name") && lower.contains(text: "not in peer certificate") {
      return make(
        .tlsHostname, endpoint,
        "TLS handshake failed: the certificate of \(endpoint) is not valid for host name \(verifiedName(in: text) ?? target.host)",
        "connect with a host name the certificate was issued for (or set the authority option)")
    }
    if lower.contains(text: "certificate verify failed") || lower.contains(text: "self signed certificate")
      || lower.contains(text: "self-signed certificate") || lower.contains(text: "unable to get local issuer")
      || lower.contains(text: "certificate has expired") || lower.contains(text: "certificate is not yet valid")
    {
      return make(
        .tlsCertificate, endpoint,
        "TLS handshake failed: certificate verify failed (the certificate of \(endpoint) is not trusted)",
        "if the server uses a private certificate authority, pass its certificate as the root certificates "
          + "(or set GRPC_DEFAULT_SSL_ROOTS_FILE_PATH); also check the system clock")
    }
    if lower.contains(text: "handshake failed") || lower.contains(text: "ssl_error") || lower.contains(text: "tsi_") {
      return make(
        .tlsHandshake, endpoint, "TLS handshake with \(endpoint) failed: \(handshakeReason(text))",
        "check that the server speaks TLS on this port (use http:// for a plaintext server)")
    }
    if lower.contains(text: "http1.x server") {
      return make(
        .notHTTP2, endpoint, "\(endpoint) answered with HTTP/1.1, not the HTTP/2 that gRPC needs",
        "this port speaks HTTP/1.1: it is probably a web or dashboard port rather than the server's gRPC port; "
          + "check the port in the server URL")
    }
    if lower.contains(text: "failed parsing http/2") {
      return make(
        .notHTTP2, endpoint, "\(endpoint) does not speak HTTP/2, which gRPC needs",
        "this port serves another protocol: check the port in the server URL (not a web or dashboard port), "
          + "and use https:// if the server speaks TLS")
    }
    if lower.contains(text: "socket closed") || lower.contains(text: "connection reset") || lower.contains(text: "broken pipe")
      || lower.contains(text: "endpoint closing") || lower.contains(text: "goaway")
    {
      return make(
        .connectionClosed, endpoint, "the connection to \(endpoint) was closed before the server answered",
        "if this server answered before, it may have stopped or restarted: try again in a moment; otherwise check "
          + "that the URL scheme matches the server (https:// for a TLS server) and that it serves gRPC")
    }
    if lower.contains(text: "failed to connect to all addresses") || lower.contains(text: "failed to connect") {
      return make(
        .other, endpoint, "could not connect to \(endpoint): \(lastError(text))",
        "check the server URL and that the server is running")
    }
    return nil
  }

  private static let proxyRemedy =
    "check the proxy settings (grpc_proxy, https_proxy, http_proxy, no_proxy), or disable the proxy for this channel"

  private enum TCPReason {
    case refused, unreachable, timedOut

    var phrase: String {
      switch self {
      case .refused: "connection refused"
      case .unreachable: "network unreachable"
      case .timedOut: "connection timed out"
      }
    }
  }

  private static func tcpFailure(_ lower: String) -> TCPReason? {
    if lower.contains(text: "connection refused") { return .refused }
    if lower.contains(text: "network is unreachable") || lower.contains(text: "no route to host")
      || lower.contains(text: "host is unreachable")
    {
      return .unreachable
    }
    if lower.contains(text: "connection timed out") || lower.contains(text: "connect timeout")
      || lower.contains(text: "timeout occurred")
    {
      return .timedOut
    }
    return nil
  }

  /// The address in the core's text ("ipv4:127.0.0.1:1: Failed to connect" gives 127.0.0.1:1).
  static func failingEndpoint(in text: String) -> String? {
    for prefix in ["ipv4:", "ipv6:", "unix:"] {
      guard let start = text.firstRange(ofText: prefix)?.upperBound else { continue }
      let rest = text[start...]
      let end = rest.firstRange(ofText: ": ")?.lowerBound ?? rest.endIndex
      let endpoint = String(rest[..<end])
      if !endpoint.isEmpty { return endpoint }
    }
    return nil
  }

  /// "api.example" from "DNS resolution failed for api.example:443: ...".
  private static func resolvedName(in text: String) -> String? {
    guard let start = text.firstRange(ofText: "DNS resolution failed for ")?.upperBound else { return nil }
    var name = text[start...].prefix { $0 != " " }
    if name.hasSuffix(":") { name = name.dropLast() }
    if name.hasPrefix("[") {
      if let close = name.firstIndex(of: "]") { return String(name[name.index(after: name.startIndex)..<close]) }
      return nil
    }
    if let colon = name.lastIndex(of: ":") { name = name[..<colon] }
    return name.isEmpty ? nil : String(name)
  }

  /// "localhost" from "Peer name localhost is not in peer certificate".
  private static func verifiedName(in text: String) -> String? {
    guard let start = text.firstRange(ofText: "Peer name ")?.upperBound else { return nil }
    let name = text[start...].prefix { $0 != " " }
    return name.isEmpty ? nil : String(name)
  }

  /// The OpenSSL reason from "Ssl handshake failed: SSL_ERROR_SSL: error:0A00010B:SSL routines::wrong version number".
  private static func handshakeReason(_ text: String) -> String {
    if let range = text.lastRange(ofText: "::") {
      return String(text[range.upperBound...])
    }
    if let range = text.firstRange(ofText: "andshake failed: ") {
      return String(text[range.upperBound...])
    }
    return lastError(text)
  }

  /// The part after "last error: UNKNOWN: ipv4:host:port: ", or the whole text.
  private static func lastError(_ text: String) -> String {
    var rest = Substring(text)
    if let range = rest.firstRange(ofText: "last error: ") { rest = rest[range.upperBound...] }
    for prefix in ["ipv4:", "ipv6:", "unix:"] {
      if let start = rest.firstRange(ofText: prefix), let end = rest[start.upperBound...].firstRange(ofText: ": ") {
        rest = rest[end.upperBound...]
        break
      }
    }
    return String(rest)
  }
}
