#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a `Server` listens and what it accepts.
public struct ServerConfiguration: Sendable, Hashable {
  /// TLS credentials for a server.
  public struct TLS: Sendable, Hashable {
    /// The certificate chain in PEM, leaf first.
    public var certificateChainPEM: String
    /// The private key in PEM.
    public var privateKeyPEM: String

    /// Creates TLS credentials from PEM text.
    public init(certificateChainPEM: String, privateKeyPEM: String) {
      self.certificateChainPEM = certificateChainPEM
      self.privateKeyPEM = privateKeyPEM
    }
  }

  /// The address to bind: an IP address, "localhost", "0.0.0.0"/"[::]" for every interface, or
  /// "unix:/absolute/path" for a Unix domain socket (then `port` is ignored).
  public var host: String
  /// The port to bind; 0 picks a free one (see `Server.port`).
  public var port: Int
  /// TLS credentials; `nil` serves plaintext HTTP/2 (h2c).
  public var tls: TLS?
  /// The largest request message accepted, in bytes (default 100 MiB).
  public var maxReceiveMessageSize: Int = 100 * 1024 * 1024
  /// The largest response message sent, in bytes (default 100 MiB).
  public var maxSendMessageSize: Int = 100 * 1024 * 1024
  /// The most concurrent streams per HTTP/2 connection (default 100, as Envoy recommends at the
  /// edge); `nil` keeps the core's default (unlimited). Streams beyond it are refused
  /// (`REFUSED_STREAM`) before any of their data is buffered.
  public var maxConcurrentStreamsPerConnection: Int? = 100
  /// The flow-control window the server announces for each stream, in bytes (default 64 KiB, the
  /// HTTP/2 default): how much of a request one stream may send before the server reads it. The
  /// connection's window follows the sum of its streams' windows, so a connection can hold at most
  /// about `maxConcurrentStreamsPerConnection` x this many unread bytes. Adaptive window growth
  /// (BDP probing) is off, so a client cannot make the windows grow.
  public var streamWindowBytes: Int = 64 * 1024
  /// The memory the gRPC core may use for all connections together, in bytes (default 128 MiB;
  /// `nil`: no quota). Near the quota the core shrinks windows and closes idle connections.
  public var memoryQuotaBytes: Int? = 128 * 1024 * 1024
  /// The largest request metadata (all headers of a call) accepted, in bytes (default 8 KiB, the
  /// core's own default, also what it advertises); larger header blocks end the call.
  public var maxMetadataBytes: Int = 8 * 1024
  /// How long a new connection has to finish its handshake (TLS and the HTTP/2 preface) before
  /// it is closed (default 10 s; the core's own default is 120 s).
  public var handshakeTimeout: Duration = .seconds(10)
  /// The shortest interval between client keepalive pings the server tolerates (default 10 s,
  /// below the 30 s clients use; the core's own default of 5 minutes would make it close the
  /// connections of clients that ping every 30 s).
  public var minimumClientPingInterval: Duration = .seconds(10)
  /// How many incoming-call requests are kept posted to the core (the accept backlog), per poller.
  public var acceptBacklog: Int = 128
  /// How many completion queues the server polls, each with a thread of its own (at least 1;
  /// default one per online processor, at most 8). Handlers run on these threads until they first
  /// suspend (`docs/rpc.md`), so one poller would keep the server's fast calls on one core; gRPC's
  /// C++ server likewise polls one queue per core. The threads after the first park while calls
  /// come one at a time, where they would only cost wake-ups, and come back as soon as calls
  /// overlap (`PollerRoster`).
  public var pollers: Int = ServerConfiguration.defaultPollers

  /// One poller per online processor, at most 8.
  public static var defaultPollers: Int {
    min(8, max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
  }
  /// Told of every call refused before its handler ran (see `RefusedCall`); they are counted in
  /// `Server.refusedCalls` either way.
  public var refusedCallLog: RefusedCallHook?

  /// Creates a configuration for plaintext or TLS on `host:port`.
  public init(host: String = "127.0.0.1", port: Int = 0, tls: TLS? = nil) {
    self.host = host
    self.port = port
    self.tls = tls
  }

  /// `host:port` for the core, with IPv6 addresses in brackets.
  var bindAddress: String {
    if host.hasPrefix("unix:") { return host }
    let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
    return bare.contains(":") ? "[\(bare)]:\(port)" : "\(bare):\(port)"
  }
}

/// A channel or server could not be set up from its URL, options or configuration.
public struct RPCConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What was wrong.
  public enum Code: String, Sendable, Hashable {
    /// The URL has no `scheme://`.
    case missingScheme
    /// The scheme is not http, https or unix.
    case unknownScheme
    /// The host, port or socket path is malformed.
    case invalidAddress
    /// The TLS root certificates could not be read.
    case unreadableRootCertificates
    /// The gRPC core refused to create the channel.
    case channelCreationFailed
    /// The server's address could not be bound (in use, not local, or malformed).
    case bindFailed
    /// The server's TLS certificate or key was rejected.
    case invalidCredentials
    /// The gRPC core could not create or start the server.
    case serverStartFailed
    /// The gRPC core library could not be loaded.
    case coreUnavailable
  }

  /// What was wrong.
  public var code: Code
  /// A sentence saying what was wrong and what to do instead.
  public var message: String

  /// Creates an error.
  public init(code: Code, message: String) {
    self.code = code
    self.message = message
  }

  /// The message.
  public var description: String { message }
}
