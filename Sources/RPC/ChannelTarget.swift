import TextSearch

/// Where a channel connects, parsed from a URL: `http://host[:port]` (HTTP/2 without TLS),
/// `https://host[:port]` (TLS) or `unix:///path/to/socket`.
public struct ChannelTarget: Sendable, Hashable, CustomStringConvertible {
  /// How the channel reaches its server.
  public enum Transport: String, Sendable, Hashable {
    /// HTTP/2 over plain TCP ("h2c"), for `http://`.
    case plaintext
    /// HTTP/2 over TLS, for `https://`.
    case tls
    /// HTTP/2 over a Unix domain socket, for `unix://`.
    case unixSocket
  }

  /// The transport.
  public let transport: Transport
  /// The host name or IP address (without brackets); the socket path for Unix sockets.
  public let host: String
  /// The TCP port (80 or 443 when the URL has none); 0 for Unix sockets.
  public let port: Int
  /// The URL this target was parsed from.
  public let url: String

  /// Parses a URL; the path, query and fragment are ignored.
  public init(url: String) throws(RPCConfigurationError) {
    self.url = url
    let shown = Self.redactingUserInfo(url)
    let trimmed = url.trimmingASCIIWhitespace()
    guard let schemeEnd = trimmed.firstRange(ofText: "://") else {
      throw RPCConfigurationError(
        code: .missingScheme,
        message: "missing scheme in server URL \"\(shown)\": write http://host:port or https://host")
    }
    let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
    let rest = trimmed[schemeEnd.upperBound...]
    switch scheme {
    case "unix":
      let path = rest.prefix { $0 != "?" && $0 != "#" }
      guard path.hasPrefix("/"), path.count > 1 else {
        throw RPCConfigurationError(
          code: .invalidAddress, message: "invalid Unix socket URL \"\(shown)\": write unix:///absolute/path")
      }
      transport = .unixSocket
      host = String(path)
      port = 0
      return
    case "http": transport = .plaintext
    case "https": transport = .tls
    case "":
      throw RPCConfigurationError(
        code: .missingScheme,
        message: "missing scheme in server URL \"\(shown)\": write http://host:port or https://host")
    default:
      throw RPCConfigurationError(
        code: .unknownScheme,
        message: "Unknown scheme: \(scheme) (in \"\(shown)\"): write http://host:port or https://host")
    }
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    if authority.contains("@") {
      throw RPCConfigurationError(
        code: .invalidAddress, message: "credentials (user:password@) in the server URL \"\(shown)\" are not supported: remove them")
    }
    var hostPart: Substring
    var portPart: Substring?
    if authority.hasPrefix("[") {
      guard let close = authority.firstIndex(of: "]") else {
        throw RPCConfigurationError(code: .invalidAddress, message: "unterminated IPv6 address in \"\(shown)\"")
      }
      hostPart = authority[authority.index(after: authority.startIndex)..<close]
      let after = authority[authority.index(after: close)...]
      if !after.isEmpty {
        guard after.hasPrefix(":") else {
          throw RPCConfigurationError(code: .invalidAddress, message: "invalid address in \"\(shown)\"")
        }
        portPart = after.dropFirst()
      }
    } else if let colon = authority.firstIndex(of: ":") {
      hostPart = authority[..<colon]
      portPart = authority[authority.index(after: colon)...]
    } else {
      hostPart = authority
    }
    guard !hostPart.isEmpty else {
      throw RPCConfigurationError(code: .invalidAddress, message: "missing host in server URL \"\(shown)\"")
    }
    guard
      hostPart.utf8.allSatisfy({ byte in
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "%") && byte != UInt8(ascii: "\\")
      })
    else {
      throw RPCConfigurationError(code: .invalidAddress, message: "invalid host in server URL \"\(shown)\"")
    }
    host = String(hostPart)
    if let portPart {
      guard let value = Int(portPart), (1...65535).contains(value), portPart.allSatisfy(\.isASCII) else {
        throw RPCConfigurationError(
          code: .invalidAddress, message: "invalid port \"\(portPart)\" in server URL \"\(shown)\": use 1-65535")
      }
      port = value
    } else {
      port = transport == .tls ? 443 : 80
    }
  }

  /// The URL with anything before an `@` in its authority (a user name and password) replaced by
  /// `****`, so that it can be shown: `http://user:pw@host:1` gives `http://****@host:1`.
  public static func redactingUserInfo(_ url: String) -> String {
    let authorityStart = url.firstRange(ofText: "://")?.upperBound ?? url.startIndex
    let rest = url[authorityStart...]
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    guard let at = authority.lastIndex(of: "@") else { return url }
    return String(url[..<authorityStart]) + "****" + String(url[at...])
  }

  /// `host:port` with IPv6 addresses in brackets (the socket path for Unix sockets).
  public var hostAndPort: String {
    if transport == .unixSocket { return host }
    return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
  }

  /// The target string for `grpc_channel_create`.
  var coreTarget: String {
    transport == .unixSocket ? "unix://\(host)" : "dns:///\(hostAndPort)"
  }

  /// The URL as given.
  public var description: String { url }
}

extension StringProtocol {
  /// The string without leading and trailing spaces, tabs and line breaks.
  func trimmingASCIIWhitespace() -> Substring {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    let text = Substring(self)
    guard let first = text.firstIndex(where: { !isSpace($0) }) else { return "" }
    let last = text.lastIndex(where: { !isSpace($0) })!
    return text[first...last]
  }
}
