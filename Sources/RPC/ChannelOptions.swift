/// Settings of a `Channel`, with the defaults the Modal JavaScript and Go clients use.
public struct ChannelOptions: Sendable, Hashable {
  /// HTTP/2 keepalive pings.
  public struct Keepalive: Sendable, Hashable {
    /// How long the connection may be idle before a ping is sent.
    public var interval: Duration
    /// How long to wait for the ping's acknowledgement before closing the connection.
    public var timeout: Duration
    /// Whether to ping even when no call is in flight.
    public var permitWithoutCalls: Bool

    /// Creates keepalive settings (defaults: 30 s ping, 10 s timeout, pings without calls).
    public init(interval: Duration = .seconds(30), timeout: Duration = .seconds(10), permitWithoutCalls: Bool = true) {
      self.interval = interval
      self.timeout = timeout
      self.permitWithoutCalls = permitWithoutCalls
    }
  }

  /// Which certificate authorities a TLS channel trusts.
  public enum RootCertificates: Sendable, Hashable {
    /// The system bundle `/etc/ssl/certs/ca-certificates.crt` when it exists, otherwise the
    /// gRPC core's built-in roots (or `GRPC_DEFAULT_SSL_ROOTS_FILE_PATH`).
    case system
    /// PEM-encoded certificates given inline.
    case pem(String)
    /// A PEM file to read when the channel is created.
    case file(String)
  }

  /// Whether the channel goes through an HTTP CONNECT proxy.
  public enum Proxy: Sendable, Hashable {
    /// Honour `grpc_proxy`, `https_proxy`, `http_proxy` (first set wins) and `no_proxy`, as the
    /// gRPC core does (the default).
    case environment
    /// Never use a proxy, whatever the environment says.
    case disabled
    /// Always use this proxy (`host:port` or `http://host:port`), ignoring the environment.
    case server(String)
  }

  /// The largest message the channel sends, in bytes (default 100 MiB).
  public var maxSendMessageSize: Int = 100 * 1024 * 1024
  /// The largest message the channel accepts, in bytes (default 100 MiB).
  public var maxReceiveMessageSize: Int = 100 * 1024 * 1024
  /// Keepalive pings; `nil` disables them.
  public var keepalive: Keepalive? = Keepalive()
  /// The HTTP/2 stream flow-control window ("lookahead") in bytes; `nil` keeps the core's default.
  public var initialStreamWindowSize: Int?
  /// Whether the core grows flow-control windows by bandwidth-delay probing (default on).
  public var bandwidthDelayProbing: Bool = true
  /// The `:authority` to send (and, for TLS, the host name to verify) instead of the URL's host.
  public var authority: String?
  /// Text put in front of the core's user agent, for example "modal-swift/0.1".
  public var userAgentPrefix: String?
  /// Which certificate authorities to trust for `https://` URLs.
  public var rootCertificates: RootCertificates = .system
  /// Whether to use a proxy.
  public var proxy: Proxy = .environment
  /// The shortest wait before reconnecting after a failed connection attempt; `nil` keeps the
  /// core's default (1 s, then growing to 120 s).
  public var minimumReconnectBackoff: Duration?
  /// The longest wait between reconnection attempts; `nil` keeps the core's default (120 s).
  public var maximumReconnectBackoff: Duration?

  /// Creates options with the defaults.
  public init() {}

  /// The path of the system CA bundle used by `.system` when it exists.
  public static let systemRootCertificatesPath = "/etc/ssl/certs/ca-certificates.crt"
}

extension Duration {
  /// Whole milliseconds, clamped to `Int32` (channel arguments are C ints).
  var clampedMilliseconds: Int32 {
    let (seconds, attoseconds) = components
    let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
    if milliseconds.overflow { return seconds < 0 ? 0 : Int32.max }
    let total = milliseconds.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
    if total.overflow { return Int32.max }
    return Int32(clamping: max(0, total.partialValue))
  }
}
