import CGRPC

/// A gRPC server: listens on one address and dispatches calls to the handlers of a `Router`.
///
/// The server starts in `init` and serves until `shutdown(grace:)` (or until it is released,
/// which shuts it down at once). Each call runs its handler in its own task; a handler's task is
/// cancelled when the client cancels, the deadline passes or shutdown cancels the call.
public final class Server: Sendable {
  /// The bound port (the one the core picked when the configuration asked for port 0).
  public let port: Int
  /// The configuration the server was started with.
  public let configuration: ServerConfiguration

  private let core: ServerCore

  /// Binds, starts serving `router` and returns; throws if the address cannot be bound.
  public init(configuration: ServerConfiguration = ServerConfiguration(), router: Router) throws(RPCConfigurationError)
  {
    try GRPCRuntime.ensureInitialized()
    self.configuration = configuration
    var arguments = ChannelArguments()
    arguments.set(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, clamping: configuration.maxReceiveMessageSize)
    arguments.set(GRPC_ARG_MAX_SEND_MESSAGE_LENGTH, clamping: configuration.maxSendMessageSize)
    arguments.set(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1)
    arguments.set(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
      configuration.minimumClientPingInterval.clampedMilliseconds)
    arguments.set(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0)
    // The core sets SO_REUSEPORT by default, which would let a second server bind a busy port
    // silently and share its traffic; binding a busy port must fail instead.
    arguments.set(GRPC_ARG_ALLOW_REUSEPORT, 0)
    // The core inflates a compressed message whole before it checks the size limit, so a 1 MB
    // gzip message could take gigabytes; accept uncompressed messages only (a compressed one ends
    // with UNIMPLEMENTED before it is inflated).
    arguments.set(GRPC_COMPRESSION_CHANNEL_ENABLED_ALGORITHMS_BITSET, identityCompressionOnly)
    arguments.setLimits(of: configuration)
    var quota: OpaquePointer?
    if let bytes = configuration.memoryQuotaBytes, let created = cgrpc_grpc_resource_quota_create()("modal-server"),
      let vtable = cgrpc_grpc_resource_quota_arg_vtable()()
    {
      cgrpc_grpc_resource_quota_resize()(created, max(bytes, 1))
      arguments.set(GRPC_ARG_RESOURCE_QUOTA, pointer: UnsafeMutableRawPointer(created), vtable: vtable)
      quota = created
    }
    let created = arguments.withCoreArguments({ cgrpc_grpc_server_create()($0, nil) })
    // The server holds its own reference (taken when it copied the arguments).
    if let quota { cgrpc_grpc_resource_quota_unref()(quota) }
    guard let server = created else {
      throw RPCConfigurationError(code: .serverStartFailed, message: "the gRPC core could not create a server")
    }
    let queueCount = max(1, configuration.pollers)
    let backlog = max(1, configuration.acceptBacklog)
    let roster = queueCount > 1 ? PollerRoster(queues: queueCount, backlog: backlog) : nil
    let queues = (0..<queueCount).map { index in
      ServerQueue(index: index, turn: index > 0 ? roster.map { PollerTurn(roster: $0, queue: index) } : nil)
    }
    for home in queues { cgrpc_grpc_server_register_completion_queue()(server, home.queue.pointer, nil) }

    let credentials: OpaquePointer?
    if let tls = configuration.tls {
      credentials = tls.privateKeyPEM.withCString { key in
        tls.certificateChainPEM.withCString { chain in
          var pair = grpc_ssl_pem_key_cert_pair(private_key: key, cert_chain: chain)
          return cgrpc_grpc_ssl_server_credentials_create_ex()(
            nil, &pair, 1, GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE, nil)
        }
      }
    } else {
      credentials = cgrpc_grpc_insecure_server_credentials_create()()
    }
    guard let credentials else {
      cgrpc_grpc_server_destroy()(server)
      for home in queues { home.queue.shutdown() }
      throw RPCConfigurationError(
        code: .invalidCredentials, message: "the TLS certificate chain or private key was rejected")
    }
    let bound = cgrpc_grpc_server_add_http2_port()(server, configuration.bindAddress, credentials)
    cgrpc_grpc_server_credentials_release()(credentials)
    guard bound > 0 else {
      cgrpc_grpc_server_destroy()(server)
      for home in queues { home.queue.shutdown() }
      throw RPCConfigurationError(
        code: .bindFailed,
        message:
          "could not listen on \(configuration.bindAddress): the port is in use, the address is not local, "
          + "or (with TLS) the certificate or key is invalid")
    }
    port = Int(bound)
    cgrpc_grpc_server_start()(server)
    core = ServerCore(
      server: server, queues: queues, roster: roster, router: router,
      refusals: RefusedCalls(hook: configuration.refusedCallLog))
    core.acceptCalls(backlog: backlog)
  }

  deinit {
    core.beginShutdown()
    core.cancelAllCalls()
  }

  /// Stops accepting calls, lets in-flight calls finish for up to `grace`, then cancels the rest
  /// and returns once every call is over.
  ///
  /// Safe to call more than once and concurrently.
  public func shutdown(grace: Duration = .seconds(10)) async {
    core.beginShutdown()
    let core = self.core
    let timer = Task {
      try? await Task.sleep(for: grace)
      if !Task.isCancelled { core.cancelAllCalls() }
    }
    await core.waitForShutdown()
    timer.cancel()
  }

  /// Whether the shutdown has completed.
  public var isShutDown: Bool { core.isShutDown }

  /// How many poller threads are parked now because calls come one at a time (see
  /// `PollerRoster`): for tests and diagnosis.
  package var parkedPollers: Int { core.roster?.parkedHelpers ?? 0 }

  /// How many calls were refused before a handler ran (unknown method; no, too large or more than
  /// one request message), since the server started: for metrics.
  public var refusedCalls: Int { core.refusals.total }
}

/// Owns the `grpc_server` and its completion queue; destroyed (server first, then the queue)
/// when the last reference goes, which only happens after shutdown completed and every call is
/// gone.
final class ServerCore: @unchecked Sendable {
  let server: OpaquePointer
  /// The completion queues the server polls (at least one); each call lives on the one it
  /// arrived on.
  let queues: [ServerQueue]
  /// Decides when the queues after the first are polled; `nil` with a single queue.
  let roster: PollerRoster?
  let router: Router
  let refusals: RefusedCalls

  private struct State {
    var shutdownStarted = false
    var shutdownComplete = false
    var waiters: [UnsafeContinuation<Void, Never>] = []
  }

  private let state = Locked(State())

  init(server: OpaquePointer, queues: [ServerQueue], roster: PollerRoster?, router: Router, refusals: RefusedCalls) {
    self.server = server
    self.queues = queues
    self.roster = roster
    self.router = router
    self.refusals = refusals
  }

  deinit {
    cgrpc_grpc_server_destroy()(server)
    for home in queues { home.queue.shutdown() }
  }

  /// Posts `backlog` requests for incoming calls on each queue; each one is replaced when it
  /// fires (`replacements(forArrivalOn:success:)`).
  func acceptCalls(backlog: Int) {
    roster?.withState { $0.start() }
    for home in queues {
      for _ in 0..<backlog { requestCall(on: home) }
    }
  }

  /// A request posted on `home` fired, with a call unless `success` is false (shutdown): counts
  /// it, and returns the requests that replace it, for `post(_:on:)`.
  ///
  /// The count is taken at once, so the roster sees calls in the order they came; the posting
  /// can wait until the call's reply is out (`ServerCall` does), since each queue keeps a backlog
  /// of requests and a call that finds none waits in the core for the next.
  func replacements(forArrivalOn home: ServerQueue, success: Bool) -> PollerArrival {
    guard let roster else { return PollerArrival(repostHere: success) }
    return roster.withState { $0.arrival(on: home.index, isCall: success) }
  }

  /// Posts the requests an arrival on `home` asked for (`replacements(forArrivalOn:success:)`),
  /// and wakes the helpers if it brought them back.
  func post(_ replacements: PollerArrival, on home: ServerQueue) {
    if replacements.repostHere { requestCall(on: home) }
    for _ in 0..<replacements.firstQueueRequests { requestCall(on: queues[0]) }
    guard replacements.wakeHelpers, let roster else { return }
    for helper in queues.dropFirst() {
      let count = roster.withState { $0.reserveRefill(of: helper.index) }
      for _ in 0..<count { requestCall(on: helper) }
    }
    roster.wakeHelpers()
  }

  /// Posts one request for an incoming call, whose events all come to `home`'s queue (counted in
  /// the roster beforehand).
  func requestCall(on home: ServerQueue) {
    let call = ServerCall(core: self, home: home)
    let tag = call.retainedPointer(event: ServerCall.Event.arrived.rawValue)
    let queue = home.queue.pointer
    let result = cgrpc_grpc_server_request_call()(
      server, call.callSlot, call.details, call.requestMetadata.array, queue, queue, tag)
    if result != GRPC_CALL_OK {
      roster?.withState { $0.requestFailed(on: home.index) }
      CompletionTag.releaseUnused(tag)
    }
  }

  /// Starts the core's shutdown (idempotent): no new calls; the tag fires once all calls are over.
  func beginShutdown() {
    let start = state.withLock { state -> Bool in
      if state.shutdownStarted { return false }
      state.shutdownStarted = true
      return true
    }
    guard start else { return }
    // The core fails every pending request on its queue, so every queue is polled to the end.
    roster?.stop()
    let tag = ClosureTag { [self] _ in
      let waiters = self.state.withLock { state -> [UnsafeContinuation<Void, Never>] in
        state.shutdownComplete = true
        defer { state.waiters = [] }
        return state.waiters
      }
      for waiter in waiters { waiter.resume() }
    }.retainedPointer()
    cgrpc_grpc_server_shutdown_and_notify()(server, queues[0].queue.pointer, tag)
  }

  /// Cancels every call in flight (after `beginShutdown`).
  func cancelAllCalls() {
    cgrpc_grpc_server_cancel_all_calls()(server)
  }

  var isShutDown: Bool { state.withLock { $0.shutdownComplete } }

  /// Waits for the shutdown tag.
  func waitForShutdown() async {
    await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
      let done = state.withLock { state -> Bool in
        if state.shutdownComplete { return true }
        state.waiters.append(continuation)
        return false
      }
      if done { continuation.resume() }
    }
  }
}

/// One completion queue of a server, and what its poller thread alone touches.
struct ServerQueue: Sendable {
  /// The queue's place among the server's queues (the first, 0, is always polled).
  let index: Int
  /// The queue (and its poller thread) that a call's events come to.
  let queue: CompletionQueue
  /// The request metadata keys seen on this queue (`ServerCall.arrived`, on its poller thread only).
  let metadataKeys = MetadataKeys()

  /// Queue number `index`; with `turn`, its thread parks when the roster rests it.
  init(index: Int, turn: PollerTurn?) {
    self.index = index
    queue = CompletionQueue(turn: turn)
  }
}

extension ChannelArguments {
  /// Sets the limits a hostile client must not get around: streams per connection, windows,
  /// metadata size and the handshake deadline (the memory quota is a pointer argument, set apart).
  mutating func setLimits(of configuration: ServerConfiguration) {
    if let streams = configuration.maxConcurrentStreamsPerConnection {
      set(GRPC_ARG_MAX_CONCURRENT_STREAMS, clamping: streams)
    }
    set(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, clamping: configuration.streamWindowBytes)
    // With BDP probing the core grows windows toward what the client appears able to send, which a
    // client that never lets its messages be read can exploit.
    set(GRPC_ARG_HTTP2_BDP_PROBE, 0)
    set(GRPC_ARG_MAX_METADATA_SIZE, clamping: configuration.maxMetadataBytes)
    set(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS, configuration.handshakeTimeout.clampedMilliseconds)
  }
}
