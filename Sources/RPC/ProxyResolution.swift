import TextSearch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Mirrors how the gRPC core (1.51) picks an HTTP CONNECT proxy.
///
/// So a connection failure can say whether the proxy or the server was unreachable; the core
/// itself does the proxying.
enum ProxyResolution {
  /// The proxy `host:port` the core will use for `target`, or `nil` for a direct connection.
  static func proxy(for target: ChannelTarget, setting: ChannelOptions.Proxy) -> String? {
    guard target.transport != .unixSocket else { return nil }
    switch setting {
    case .disabled:
      return nil
    case .server(let server):
      return hostAndPort(ofProxy: server)
    case .environment:
      guard let uri = environment("grpc_proxy") ?? environment("https_proxy") ?? environment("http_proxy"),
        let proxy = hostAndPort(ofProxy: uri)
      else { return nil }
      let noProxy = environment("no_grpc_proxy") ?? environment("no_proxy") ?? ""
      return isExcluded(host: target.host, noProxy: noProxy) ? nil : proxy
    }
  }

  /// `http://host:port` for the `grpc.http_proxy` channel argument.
  static func proxyURI(_ server: String) -> String {
    server.contains(text: "://") ? server : "http://\(server)"
  }

  /// The `host:port` of a proxy URI (`http://[user@]host[:port][/]`); the core supports only `http`.
  static func hostAndPort(ofProxy uri: String) -> String? {
    var rest = Substring(uri.trimmingASCIIWhitespace())
    if let schemeEnd = rest.firstRange(ofText: "://") {
      guard rest[..<schemeEnd.lowerBound].lowercased() == "http" else { return nil }
      rest = rest[schemeEnd.upperBound...]
    }
    rest = rest.prefix { $0 != "/" }
    if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
    guard !rest.isEmpty else { return nil }
    return String(rest)
  }

  /// Whether `no_proxy` (comma-separated host suffixes) excludes `host`.
  static func isExcluded(host: String, noProxy: String) -> Bool {
    let host = host.lowercased()
    for entry in noProxy.split(separator: ",") {
      var suffix = entry.trimmingASCIIWhitespace().lowercased()
      if suffix == "*" { return true }
      if suffix.hasPrefix(".") { suffix.removeFirst() }
      guard !suffix.isEmpty else { continue }
      if host == suffix || host.hasSuffix("." + suffix) { return true }
    }
    return false
  }

  private static func environment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    let text = String(cString: value)
    return text.isEmpty ? nil : text
  }
}
