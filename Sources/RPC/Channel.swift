import CGRPC

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A connection (or pool of connections) to one gRPC server, shared by any number of concurrent calls.
///
/// A channel connects lazily on its first call and reconnects with backoff after failures. Calls
/// made while it cannot connect fail with `UNAVAILABLE` and a `ConnectionFailure` diagnosis: at
/// once after a failed attempt, but a channel created while another channel to the same target
/// is backing off shares that backoff (the core pools connections by target), so its first call
/// may wait up to the backoff (1 s, then growing) before failing. Every client call of every
/// channel completes on one process-wide client completion queue; see docs/rpc.md for the
/// threading model.
public final class Channel: Sendable {
  /// Where the channel connects.
  public let target: ChannelTarget
  /// The options the channel was created with.
  public let options: ChannelOptions
  /// The HTTP CONNECT proxy (`host:port`) the core will use for this target, if any.
  public let proxy: String?

  let handle: ChannelHandle
  /// The completion queue of this channel's calls (`CompletionQueue.client` but in tests).
  let queue: CompletionQueue

  /// Creates a channel for a URL: `http://host[:port]` (h2c, port 80 by default),
  /// `https://host[:port]` (TLS, port 443 by default) or `unix:///path`.
  public convenience init(url: String, options: ChannelOptions = ChannelOptions()) throws(RPCConfigurationError) {
    try self.init(target: ChannelTarget(url: url), options: options)
  }

  /// Creates a channel for a parsed target.
  public convenience init(target: ChannelTarget, options: ChannelOptions = ChannelOptions()) throws(RPCConfigurationError) {
    try self.init(target: target, options: options, queue: nil)
  }

  /// Creates a channel whose calls complete on `queue` (`nil`: the process-wide client queue).
  init(target: ChannelTarget, options: ChannelOptions, queue: CompletionQueue?) throws(RPCConfigurationError) {
    try GRPCRuntime.ensureInitialized()
    self.queue = queue ?? .client
    self.target = target
    self.options = options
    proxy = ProxyResolution.proxy(for: target, setting: options.proxy)

    var arguments = ChannelArguments()
    arguments.set(GRPC_ARG_MAX_SEND_MESSAGE_LENGTH, clamping: options.maxSendMessageSize)
    arguments.set(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, clamping: options.maxReceiveMessageSize)
    if let keepalive = options.keepalive {
      arguments.set(GRPC_ARG_KEEPALIVE_TIME_MS, keepalive.interval.clampedMilliseconds)
      arguments.set(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, keepalive.timeout.clampedMilliseconds)
      arguments.set(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, keepalive.permitWithoutCalls ? 1 : 0)
      arguments.set(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0)
    }
    if let window = options.initialStreamWindowSize {
      arguments.set(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, clamping: window)
    }
    arguments.set(GRPC_ARG_HTTP2_BDP_PROBE, options.bandwidthDelayProbing ? 1 : 0)
    // Advertise and accept uncompressed responses only: a server may not then compress, and a
    // hostile one cannot make the client inflate a small message into gigabytes (see `Server`).
    arguments.set(GRPC_COMPRESSION_CHANNEL_ENABLED_ALGORITHMS_BITSET, identityCompressionOnly)
    if let authority = options.authority {
      arguments.set(GRPC_ARG_DEFAULT_AUTHORITY, authority)
      if target.transport == .tls {
        arguments.set(GRPC_SSL_TARGET_NAME_OVERRIDE_ARG, authority)
      }
    }
    if let prefix = options.userAgentPrefix {
      arguments.set(GRPC_ARG_PRIMARY_USER_AGENT_STRING, prefix)
    }
    switch options.proxy {
    case .environment: break
    case .disabled: arguments.set(GRPC_ARG_ENABLE_HTTP_PROXY, 0)
    case .server(let server): arguments.set(GRPC_ARG_HTTP_PROXY, ProxyResolution.proxyURI(server))
    }
    if let backoff = options.minimumReconnectBackoff {
      arguments.set(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, backoff.clampedMilliseconds)
      arguments.set(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, backoff.clampedMilliseconds)
    }
    if let backoff = options.maximumReconnectBackoff {
      arguments.set(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, backoff.clampedMilliseconds)
    }

    let credentials: OpaquePointer
    switch target.transport {
    case .plaintext, .unixSocket:
      credentials = cgrpc_grpc_insecure_credentials_create()()!
    case .tls:
      let roots = try Channel.rootCertificatesPEM(options.rootCertificates)
      credentials = roots.withOptionalCString { cgrpc_grpc_ssl_credentials_create()($0, nil, nil, nil) }!
    }
    defer { cgrpc_grpc_channel_credentials_release()(credentials) }
    let created = arguments.withCoreArguments { args in
      cgrpc_grpc_channel_create()(target.coreTarget, credentials, args)
    }
    guard let created else {
      throw RPCConfigurationError(
        code: .channelCreationFailed, message: "the gRPC core could not create a channel for \(target.url)")
    }
    handle = ChannelHandle(created)
  }

  /// The PEM text for `grpc_ssl_credentials_create`, or `nil` for the core's defaults.
  private static func rootCertificatesPEM(
    _ setting: ChannelOptions.RootCertificates
  ) throws(RPCConfigurationError) -> String? {
    switch setting {
    case .pem(let text):
      return text
    case .file(let path):
      guard let text = readTextFile(path) else {
        throw RPCConfigurationError(
          code: .unreadableRootCertificates, message: "could not read the root certificates file \(path)")
      }
      return text
    case .system:
      if getenv("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH") != nil { return nil }
      return SystemRoots.pem
    }
  }

  /// The channel's connectivity state; with `connect`, an idle channel starts connecting.
  public func connectivityState(connect: Bool = false) -> ConnectivityState {
    ConnectivityState(cgrpc_grpc_channel_check_connectivity_state()(handle.pointer, connect ? 1 : 0))
  }

  /// Waits until the state differs from `state` or `timeout` passes; `true` if it changed.
  ///
  /// The watch puts the channel's connection attempt on the client completion queue, whose
  /// thread then drives it: polling `connectivityState(connect:)` alone leaves a new connection to
  /// gRPC's backup poller, which looks only every few seconds.
  public func waitForStateChange(from state: ConnectivityState, timeout: Duration) async -> Bool {
    return await withUnsafeContinuation { (continuation: UnsafeContinuation<Bool, Never>) in
      queue.start(ContinuationTag(owner: handle, continuation: continuation)) { pointer in
        cgrpc_grpc_channel_watch_connectivity_state()(
          handle.pointer, state.coreValue, coreDeadline(after: timeout), queue.pointer, pointer)
        return true
      }
    }
  }
}

/// The connectivity state of a channel.
public enum ConnectivityState: String, Sendable, Hashable {
  /// Not connected and not trying to connect.
  case idle
  /// Trying to connect.
  case connecting
  /// Connected.
  case ready
  /// The last attempt failed; waiting to retry.
  case transientFailure
  /// The channel was shut down.
  case shutdown

  init(_ state: grpc_connectivity_state) {
    switch state {
    case GRPC_CHANNEL_IDLE: self = .idle
    case GRPC_CHANNEL_CONNECTING: self = .connecting
    case GRPC_CHANNEL_READY: self = .ready
    case GRPC_CHANNEL_TRANSIENT_FAILURE: self = .transientFailure
    default: self = .shutdown
    }
  }

  /// The core's value for this state.
  var coreValue: grpc_connectivity_state {
    switch self {
    case .idle: GRPC_CHANNEL_IDLE
    case .connecting: GRPC_CHANNEL_CONNECTING
    case .ready: GRPC_CHANNEL_READY
    case .transientFailure: GRPC_CHANNEL_TRANSIENT_FAILURE
    case .shutdown: GRPC_CHANNEL_SHUTDOWN
    }
  }
}

/// Owns a `grpc_channel`; destroyed when the last `Channel` and the last call using it go away.
final class ChannelHandle: @unchecked Sendable {
  let pointer: OpaquePointer

  init(_ pointer: OpaquePointer) {
    self.pointer = pointer
  }

  deinit {
    cgrpc_grpc_channel_destroy()(pointer)
  }
}

/// The system CA bundle, read once.
enum SystemRoots {
  static let pem: String? = readTextFile(ChannelOptions.systemRootCertificatesPath)
}

/// The contents of a (small) text file, or `nil` if it cannot be read.
func readTextFile(_ path: String) -> String? {
  guard let file = fopen(path, "rb") else { return nil }
  defer { fclose(file) }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
    if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
    if count < chunk.count {
      if ferror(file) != 0 { return nil }
      break
    }
    if bytes.count > 64 * 1024 * 1024 { return nil }
  }
  return String(decoding: bytes, as: UTF8.self)
}

extension Optional where Wrapped == String {
  /// Calls `body` with a C string, or with `nil`.
  func withOptionalCString<Result>(_ body: (UnsafePointer<CChar>?) -> Result) -> Result {
    switch self {
    case .some(let text): text.withCString { body($0) }
    case .none: body(nil)
    }
  }
}
