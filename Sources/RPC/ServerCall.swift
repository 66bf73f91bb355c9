import CGRPC

/// One incoming call on a `Server`: the request-call buffers, the `grpc_call`, and the state that
/// decides when the call may be released.
///
/// Every batch is counted in `inFlight`; RECV_CLOSE_ON_SERVER marks the call closed (finished,
/// cancelled by the client, past its deadline or cancelled by shutdown). The `grpc_call` is
/// unreferenced once it is closed and no batch is in flight; batches asked for after that fail at
/// once without touching the core. So a handler that ignores cancellation can never keep the server
/// from shutting down, and nothing touches a released call.
///
/// RECV_CLOSE_ON_SERVER starts as late as it can (`watchForClose()`): a handler that answers
/// without suspending (most calls) cannot see a cancellation anyway, so its final batch carries
/// the op, which costs the call one batch and one event less, after the reply. A handler that
/// suspends gets it in a batch of its own as soon as it first does, and so does a call that ends
/// before any handler ran without a reply.
///
/// The call is its own completion tag for each of its batches (`Event` in the tag pointer), so a
/// batch costs no tag object and no closure.
final class ServerCall: CompletionTag, @unchecked Sendable {
  let core: ServerCore
  /// The queue whose poller takes this call's events.
  let home: ServerQueue

  /// What a completion on this call's tag pointer means.
  enum Event: Int {
    /// `grpc_server_request_call` matched an incoming call.
    case arrived = 1
    /// RECV_CLOSE_ON_SERVER alone: the call is over.
    case closed
    /// The request message's RECV_MESSAGE.
    case requestReceived
    /// The RECV_MESSAGE after it, which must find the end of the stream.
    case streamEnded
    /// The final send batch (status, and the response for a unary call; with RECV_CLOSE_ON_SERVER
    /// when `finalBatchCloses`).
    case finished
  }

  /// Filled by the core: the call, its details and request metadata (grpc_server_request_call),
  /// and whether it was cancelled (RECV_CLOSE_ON_SERVER). One allocation for all of them.
  private let slots: UnsafeMutablePointer<cgrpc_server_call_slots>
  /// Where `grpc_server_request_call` puts the call.
  var callSlot: UnsafeMutablePointer<OpaquePointer?> { cgrpc_slots_call(slots) }
  /// Where `grpc_server_request_call` puts the method, host and deadline.
  var details: UnsafeMutablePointer<grpc_call_details> { cgrpc_slots_details(slots) }
  /// Where `grpc_server_request_call` puts the request headers.
  var requestMetadata: IncomingMetadata { IncomingMetadata(array: cgrpc_slots_metadata(slots)) }

  private struct State {
    var call: OpaquePointer?
    var inFlight = 0
    var closed = false
    var clientCancelled = false
    var task: Task<Void, Never>?
    /// Whether the call counts in the roster's calls in flight (`leaveRoster()`).
    var inRoster = false
    /// Whether RECV_CLOSE_ON_SERVER was started (alone, or with the final batch).
    var watchingForClose = false
  }

  private let state = Locked(State())
  // Set on the poller thread before the batch whose completion reads them starts (the core's
  // queue orders the two), or read and written by events alone (all on the poller thread), so
  // they need no lock.
  private var context: ServerContext?
  private var handler: Router.Handler?
  private var request: [UInt8] = []
  /// The final send batch, freed when it completes.
  private var finalBatch: SendBatch?
  /// Whether the final batch also carries RECV_CLOSE_ON_SERVER, so that its event closes the call.
  private var finalBatchCloses = false
  /// The requests that replace the one this call came on, counted at its arrival and posted once
  /// no receive of it is pending: after the event in which its handler first ran (a handler that
  /// answers at once has sent its reply by then), or in which the call was refused or failed. A
  /// lone call's reply then does not wait for the core to take a new request.
  private var replacements: PollerArrival?
  /// Whether a RECV_MESSAGE of the call is pending.
  private var receiving = false

  init(core: ServerCore, home: ServerQueue) {
    self.core = core
    self.home = home
    slots = .allocate(capacity: 1)
    slots.initialize(to: cgrpc_server_call_slots())
    super.init()
    cgrpc_grpc_call_details_init()(details)
    cgrpc_grpc_metadata_array_init()(requestMetadata.array)
    let receive = cgrpc_slots_receive_op(slots)
    receive.pointee.op = GRPC_OP_RECV_MESSAGE
    receive.pointee.data.recv_message.recv_message = cgrpc_slots_received(slots)
  }

  deinit {
    core.roster?.withState { $0.released(on: home.index) }
    // The call itself was released when it closed (or never arrived).
    if let call = state.withLock({ $0.call }) { cgrpc_grpc_call_unref()(call) }
    if let buffer = cgrpc_slots_received(slots).pointee { cgrpc_grpc_byte_buffer_destroy()(buffer) }
    cgrpc_grpc_call_details_destroy()(details)
    cgrpc_grpc_metadata_array_destroy()(requestMetadata.array)
    slots.deallocate()
  }

  override func complete(success: Bool, event: Int) {
    switch Event(rawValue: event) {
    case .arrived:
      replacements = core.replacements(forArrivalOn: home, success: success)
      if success { arrived(router: core.router) }  // else shutting down
    case .closed: closed()
    case .requestReceived:
      receiving = false
      requestReceived(success: success)
    case .streamEnded:
      receiving = false
      streamEnded(success: success)
    case .finished:
      finalBatch?.free()
      finalBatch = nil
      if finalBatchCloses { closed() } else { endBatch() }
    case nil: preconditionFailure("unknown server call event \(event)")
    }
    if !receiving, let replacements {
      self.replacements = nil
      core.post(replacements, on: home)
    }
  }

  // MARK: Arrival

  /// Called on the poller thread when the core has matched this request with an incoming call.
  ///
  /// The request message is received before any task exists (its event comes back to the poller
  /// thread), and the handler's task is started with it: one hop to Swift's executor per call
  /// instead of one per batch. An unknown method is answered from here, with no task at all.
  func arrived(router: Router) {
    guard let call = callSlot.pointee else {
      core.roster?.withState { $0.callEnded() }
      return
    }
    state.withLock {
      $0.call = call
      $0.inRoster = true
    }
    let route = withSliceBytes(&details.pointee.method) { router.route(for: $0) }
    let method = route?.path ?? sliceString(&details.pointee.method)
    let authority = sliceString(&details.pointee.host)
    var peer = ""
    if let text = cgrpc_grpc_call_get_peer()(call) {
      peer = String(cString: text)
      cgrpc_gpr_free()(text)
    }
    let deadline = remainingTime(until: details.pointee.deadline).map { ContinuousClock.now + $0 }
    let context = ServerContext(
      method: method, authority: authority, peer: peer, requestMetadata: requestMetadata.read(keys: home.metadataKeys), deadline: deadline)
    self.context = context
    guard let handler = route?.handler else {
      refuse(Status(code: .unimplemented, message: "Method not found: \(context.method)"), reason: "unknown method", context: context)
      return
    }
    self.handler = handler
    if !startReceive(.requestReceived) { requestReceived(message: nil, success: false) }
  }

  /// The request message's RECV_MESSAGE completed.
  private func requestReceived(success: Bool) {
    requestReceived(message: takeReceived(success: success), success: success)
    endBatch()
  }

  private func requestReceived(message: [UInt8]?, success: Bool) {
    guard let context else { return }
    guard let message else {
      if success {
        // The stream ended without a message.
        if !state.withLock({ $0.closed }) {
          refuse(Status(code: .internal, message: "the request message is missing"), reason: "no request message", context: context)
        }
      } else {
        // The core failed the receive: it ended the call (a message over the size limit), or the
        // client or shutdown cancelled it.
        report(context, .resourceExhausted, "the request message did not arrive (over the size limit, or cancelled)")
        watchForClose()
      }
      return
    }
    // A unary or server-streaming call carries exactly one request message: the stream must end
    // after it (the core would silently drop the rest).
    request = message
    if !startReceive(.streamEnded) { streamEnded(extra: nil) }
  }

  /// The RECV_MESSAGE after the request message completed.
  private func streamEnded(success: Bool) {
    streamEnded(extra: takeReceived(success: success))
    endBatch()
  }

  private func streamEnded(extra: [UInt8]?) {
    guard let context else { return }
    guard extra == nil else {
      refuse(
        Status(code: .invalidArgument, message: "this method takes one request message; the call sent more"),
        reason: "more than one request message", context: context)
      return
    }
    start()
  }

  /// Answers a call before any handler ran, and counts and reports it.
  private func refuse(_ status: Status, reason: String, context: ServerContext) {
    report(context, status.code, reason)
    finish(status: status, context: context)
  }

  private func report(_ context: ServerContext, _ code: Status.Code, _ reason: String) {
    core.refusals.record(RefusedCall(method: context.method, peer: context.peer, code: code, reason: reason))
  }

  /// Answers the call by its method's immediate handler if it has one that can; else starts the
  /// handler's task, then watches the call for its end.
  ///
  /// This runs on the poller thread of the call's queue, and the task's first job runs there too,
  /// within the event that started it, until the task first suspends (a store call, a sleep);
  /// it resumes on the global executor after that (`CompletionQueue.startTask`). A handler that never
  /// suspends (a remembered caller's ClientHello) thus costs no wake-up of another thread, as in
  /// gRPC's synchronous C++ server; one that waits for the store waits, and goes on, off the
  /// poller. Handlers must not block their thread before they first suspend (the rule of Swift's
  /// pool already): here that would stall the server's I/O meanwhile.
  private func start() {
    if case .unary(_, let immediate?) = handler, let context, answer(context, by: immediate) { return }
    // The task captures only `self` (the handler, request and context are stored on it): a closure
    // with a single object for context needs no allocation of its own.
    let task: Task<Void, Never>
    if #available(macOS 15.0, *) {
      task = home.queue.startTask { executor in Task(executorPreference: executor) { await self.serve() } }
    } else {
      task = Task { await self.serve() }
    }
    // Nothing watched the call's end yet (`watchForClose`), so it cannot have closed: the closing
    // event finds the task here when it comes.
    state.withLock { $0.task = task }
    guard #available(macOS 15.0, *) else { return watchForClose() }
    // The handler runs here until it first suspends or ends; if it suspended, the call is watched
    // from now on, so that a cancellation reaches it.
    home.queue.runStartedTasks()
    watchForClose()
  }

  /// Lets a unary method's immediate handler answer the call here, on the poller thread, without
  /// a task; `false` if it could not, and the asynchronous handler must run. An answer (or an
  /// error) goes out in the final batch, which also watches for the call's end.
  private func answer(_ context: ServerContext, by immediate: ImmediateUnaryHandler) -> Bool {
    do {
      guard let response = try immediate(request, context) else { return false }
      request = []
      finish(status: .ok, message: response, context: context)
    } catch {
      request = []
      finish(failure: error, context: context)
    }
    return true
  }

  /// Claims RECV_CLOSE_ON_SERVER for the caller; `false` if it was started already.
  private func claimCloseWatch() -> Bool {
    state.withLock { state in
      defer { state.watchingForClose = true }
      return !state.watchingForClose
    }
  }

  /// Writes RECV_CLOSE_ON_SERVER into `op`.
  private func setCloseOp(_ op: UnsafeMutablePointer<grpc_op>) {
    op.pointee = grpc_op()
    op.pointee.op = GRPC_OP_RECV_CLOSE_ON_SERVER
    op.pointee.data.recv_close_on_server.cancelled = cgrpc_slots_cancelled(slots)
  }

  /// Starts RECV_CLOSE_ON_SERVER in a batch of its own, unless it was started already; its event
  /// comes when the call is over for any reason.
  private func watchForClose() {
    guard claimCloseWatch() else { return }
    let op = cgrpc_slots_close_op(slots)
    setCloseOp(op)
    guard let call = beginBatch() else { return }
    let tag = retainedPointer(event: Event.closed.rawValue)
    if cgrpc_grpc_call_start_batch()(call, op, 1, tag, nil) != GRPC_CALL_OK {
      CompletionTag.releaseUnused(tag)
      closed()
    }
  }

  /// The call is over: cancel the handler if the client (or deadline or shutdown) ended it.
  /// `batchCounted`: whether the batch that saw it is counted in `inFlight`.
  private func closed(batchCounted: Bool = true) {
    let cancelled = cgrpc_slots_cancelled(slots).pointee != 0
    if cancelled { context?.markCancelled() }
    let (task, release, inRoster) = state.withLock { state -> (Task<Void, Never>?, OpaquePointer?, Bool) in
      defer { state.inRoster = false }
      state.closed = true
      state.clientCancelled = cancelled
      if batchCounted { state.inFlight -= 1 }
      let task = cancelled ? state.task : nil
      state.task = nil
      return (task, takeReleasableCall(&state), state.inRoster)
    }
    if inRoster { core.roster?.withState { $0.callEnded() } }
    task?.cancel()
    if let release { cgrpc_grpc_call_unref()(release) }
  }

  /// Takes the call out of the roster's calls in flight when its final batch starts: its reply
  /// can reach the client from then on, and the client's next call come, before the call closes.
  private func leaveRoster() {
    guard let roster = core.roster else { return }
    let counted = state.withLock { state -> Bool in
      defer { state.inRoster = false }
      return state.inRoster
    }
    if counted { roster.withState { $0.callEnded() } }
  }

  private func takeReleasableCall(_ state: inout State) -> OpaquePointer? {
    guard state.closed, state.inFlight == 0, let call = state.call else { return nil }
    state.call = nil
    return call
  }

  /// Counts a batch about to start; `nil` if the call is closed.
  private func beginBatch() -> OpaquePointer? {
    state.withLock { state in
      guard !state.closed, let call = state.call else { return nil }
      state.inFlight += 1
      return call
    }
  }

  /// Uncounts a finished batch, releasing the call if it was the last thing holding it.
  private func endBatch() {
    let release = state.withLock { state -> OpaquePointer? in
      state.inFlight -= 1
      return takeReleasableCall(&state)
    }
    if let release { cgrpc_grpc_call_unref()(release) }
  }

  /// Runs one batch to completion; `false` if it failed or the call is already over.
  private func run(_ ops: UnsafeMutablePointer<grpc_op>, count: Int) async -> Bool {
    guard let call = beginBatch() else { return false }
    let (result, success) = await home.queue.run(call, owner: self, ops: ops, count: count)
    endBatch()
    return result == GRPC_CALL_OK && success
  }

  // MARK: Serving

  private func serve() async {
    guard let handler, let context else { return }
    let request = self.request
    self.request = []
    // Every call's task allocates this frame: the status and the error mapping are left to
    // `finish` and `finish(failure:context:)`, so they take no room in it.
    do {
      switch handler {
      case .unary(let body, _):
        finish(status: .ok, message: try await body(request, context), context: context)
      case .serverStreaming(let body):
        try await body(request, ServerStreamWriter(call: self, context: context), context)
        finish(status: .ok, context: context)
      }
    } catch {
      finish(failure: error, context: context)
    }
  }

  /// Ends the call with the status a handler's error maps to: an `RPCError`'s own (never OK) with
  /// its trailers, `cancelled` for a cancellation, `unknown` for anything else.
  @inline(never)
  private func finish(failure error: any Error, context: ServerContext) {
    switch error {
    case let error as RPCError:
      var status = error.status
      if status.code == .ok { status.code = .unknown }
      finish(status: status, extraTrailers: error.trailingMetadata, context: context)
    case is CancellationError:
      finish(status: Status(code: .cancelled, message: "the call was cancelled"), context: context)
    default:
      finish(status: Status(code: .unknown, message: "unexpected error in the method handler"), context: context)
    }
  }

  /// Starts RECV_MESSAGE into the call's slot; its completion comes back as `event`. Returns
  /// `false` if the call is over or the core refused the batch.
  private func startReceive(_ event: Event) -> Bool {
    cgrpc_slots_received(slots).pointee = nil
    receiving = startDetached(cgrpc_slots_receive_op(slots), count: 1, event: event)
    return receiving
  }

  /// The message the last RECV_MESSAGE put in the slot (nil if none came), freeing the core's buffer.
  private func takeReceived(success: Bool) -> [UInt8]? {
    let slot = cgrpc_slots_received(slots)
    guard let buffer = slot.pointee else { return nil }
    slot.pointee = nil
    defer { cgrpc_grpc_byte_buffer_destroy()(buffer) }
    return success ? readByteBuffer(buffer) : nil
  }

  /// Starts a batch whose completion nobody awaits: it comes back to `complete(success:event:)`
  /// on the thread that takes the event. Returns `false` (and no event will come) if the call is
  /// over or the core refused the batch.
  private func startDetached(_ ops: UnsafeMutablePointer<grpc_op>, count: Int, event: Event) -> Bool {
    guard let call = beginBatch() else { return false }
    let tag = retainedPointer(event: event.rawValue)
    guard cgrpc_grpc_call_start_batch()(call, ops, count, tag, nil) == GRPC_CALL_OK else {
      CompletionTag.releaseUnused(tag)
      endBatch()
      return false
    }
    return true
  }

  /// Sends one streamed message (with the initial metadata the first time).
  func sendMessage(_ message: [UInt8], context: ServerContext) async throws(RPCError) {
    let initial = context.takeInitialMetadataForSending()
    if let initial { try initial.validate() }
    let batch = SendBatch(initialMetadata: initial, message: message, status: nil, trailers: nil)
    defer { batch.free() }
    guard await run(batch.ops, count: batch.count) else {
      throw RPCError.cancelled(
        "the call is over: the client cancelled it, its deadline passed or the server is shutting down")
    }
  }

  /// Sends the status (and the unary response message, and initial metadata if not sent yet).
  ///
  /// Nothing waits for the batch: the handler's task ends at once, and the buffers are freed
  /// when the core is done with them.
  @inline(never)
  private func finish(
    status: Status, message: [UInt8]? = nil, extraTrailers: Metadata = Metadata(), context: ServerContext
  ) {
    var status = status
    var initial = context.takeInitialMetadataForSending()
    var (prepared, trailers) = context.trailersForSending()
    trailers.add(contentsOf: extraTrailers)
    if let details = status.details {
      // The details trailer replaces any other: when a prepared one is among them, all go by value.
      if let shared = prepared, shared.metadata.contains(Status.detailsKey) {
        trailers = context.trailingMetadata
        trailers.add(contentsOf: extraTrailers)
        prepared = nil
      }
      trailers.remove(Status.detailsKey)
      trailers.add(Status.detailsKey, binary: details)
    }
    var message = status.isOK ? message : nil
    do throws(RPCError) {
      try initial?.validate()
      try trailers.validate()
    } catch {
      status = error.status
      initial = initial.map { _ in Metadata() }
      trailers = Metadata()
      prepared = nil
      message = nil
    }
    let batch = SendBatch(
      initialMetadata: initial, message: message, status: status, trailers: trailers, preparedTrailers: prepared,
      storage: (cgrpc_slots_final_ops(slots), cgrpc_slots_final_details(slots)))
    finalBatch = batch
    let closes = claimCloseWatch()
    if closes { setCloseOp(batch.ops + batch.count) }
    finalBatchCloses = closes
    leaveRoster()
    if !startDetached(batch.ops, count: batch.count + (closes ? 1 : 0), event: .finished) {
      finalBatch = nil
      batch.free()
      if closes { closed(batchCounted: false) }
    }
    context.replied()
  }
}

/// The ops and buffers of one server send batch, freed after it completes.
struct SendBatch: @unchecked Sendable {
  let ops: UnsafeMutablePointer<grpc_op>
  let count: Int
  private let initialMetadata: OutgoingMetadata?
  private let trailers: OutgoingMetadata?
  /// Kept alive while the batch may read its slices.
  private let preparedTrailers: PreparedMetadata?
  private let message: UnsafeMutablePointer<grpc_byte_buffer>?
  private let details: UnsafeMutablePointer<grpc_slice>?
  /// Whether `ops` and `details` were allocated here (else they are the call's final-batch slots).
  private let ownsStorage: Bool

  /// A batch of the given parts (the prepared trailers before `trailers`); its ops (room for 3,
  /// and one more after them in a call's final-batch slots) and status details go in `storage`
  /// when given (a call's final batch, in the call's slots), else in memory allocated here.
  init(
    initialMetadata: Metadata?, message: [UInt8]?, status: Status?, trailers: Metadata?,
    preparedTrailers: PreparedMetadata? = nil,
    storage: (ops: UnsafeMutablePointer<grpc_op>, details: UnsafeMutablePointer<grpc_slice>)? = nil
  ) {
    ownsStorage = storage == nil
    self.preparedTrailers = preparedTrailers
    ops = storage?.ops ?? .allocate(capacity: 3)
    var count = 0
    if let initialMetadata {
      let outgoing = OutgoingMetadata(initialMetadata)
      self.initialMetadata = outgoing
      ops[count] = grpc_op()
      ops[count].op = GRPC_OP_SEND_INITIAL_METADATA
      ops[count].data.send_initial_metadata.count = outgoing.count
      ops[count].data.send_initial_metadata.metadata = outgoing.elements
      count += 1
    } else {
      self.initialMetadata = nil
    }
    if let message {
      let buffer = makeByteBuffer(message)
      self.message = buffer
      ops[count] = grpc_op()
      ops[count].op = GRPC_OP_SEND_MESSAGE
      ops[count].data.send_message.send_message = buffer
      count += 1
    } else {
      self.message = nil
    }
    if let status {
      let outgoing = OutgoingMetadata(trailers ?? Metadata(), after: preparedTrailers)
      self.trailers = outgoing
      let details = storage?.details ?? UnsafeMutablePointer<grpc_slice>.allocate(capacity: 1)
      details.initialize(to: makeSlice(status.message))
      self.details = details
      ops[count] = grpc_op()
      ops[count].op = GRPC_OP_SEND_STATUS_FROM_SERVER
      ops[count].data.send_status_from_server.trailing_metadata_count = outgoing.count
      ops[count].data.send_status_from_server.trailing_metadata = outgoing.elements
      ops[count].data.send_status_from_server.status = grpc_status_code(
        rawValue: numericCast(status.code.rawValue))
      ops[count].data.send_status_from_server.status_details = details
      count += 1
    } else {
      self.trailers = nil
      self.details = nil
    }
    self.count = count
  }

  func free() {
    initialMetadata?.free()
    trailers?.free()
    if let message { cgrpc_grpc_byte_buffer_destroy()(message) }
    if let details {
      cgrpc_grpc_slice_unref()(details.pointee)
      if ownsStorage { details.deallocate() }
    }
    if ownsStorage { ops.deallocate() }
  }
}
