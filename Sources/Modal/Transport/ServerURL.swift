import RPC

/// One server URL, parsed as the client's channels parse it (`http://host[:port]`,
/// `https://host[:port]`, `unix:///path`), for tools that look at the URL before connecting.
public struct ServerURL: Sendable, Equatable {
  /// The URL as given.
  public let url: String
  /// The host name or IP address (without brackets); the socket path for `unix://`.
  public let host: String
  /// The TCP port (80 or 443 when the URL has none); 0 for `unix://`.
  public let port: Int
  /// Whether the channel uses TLS (`https://`).
  public let usesTLS: Bool
  /// Whether the channel connects to a Unix domain socket (`unix://`).
  public let isUnixSocket: Bool

  /// Parses one URL (not a comma-separated list).
  ///
  /// - Throws: ``ModalError`` (`invalidArgument`) saying what is wrong; user names and passwords
  ///   in the URL are not supported, and are never repeated in the message.
  public init(_ url: String) throws(ModalError) {
    let target: ChannelTarget
    do {
      target = try ChannelTarget(url: url)
    } catch {
      throw Self.invalid(url, error.message)
    }
    self.url = url
    host = target.host
    port = target.port
    usesTLS = target.transport == .tls
    isUnixSocket = target.transport == .unixSocket
  }

  /// The URL with a user name and password replaced by `****`, so that it can be shown.
  public static func redacted(_ url: String) -> String { ChannelTarget.redactingUserInfo(url) }

  /// The error for a URL that cannot be used.
  static func invalid(_ url: String, _ reason: String) -> ModalError {
    ModalError(
      .invalidArgument, "Invalid server URL '\(redacted(url))': \(reason).",
      remedy: "Use http://host:port for a local server or https://host for a remote one (MODAL_SERVER_URL or server_url).")
  }
}
