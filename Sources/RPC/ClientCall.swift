import CGRPC

/// One client call: the `grpc_call` and every buffer its op batches point to.
///
/// Fields are written by the task that starts a batch and read by it after the batch's
/// continuation resumes (the completion is the synchronisation point); the poller thread only
/// resumes continuations. The status batch of a streaming call is the one exception and goes
/// through `statusState`.
final class ClientCall: @unchecked Sendable {
  let call: OpaquePointer
  let channel: Channel

  private var outgoingMetadata: OutgoingMetadata?
  private var outgoingMessage: UnsafeMutablePointer<grpc_byte_buffer>?
  private let incomingInitialMetadata = IncomingMetadata()
  private let incomingTrailingMetadata = IncomingMetadata()
  private let statusCode = UnsafeMutablePointer<grpc_status_code>.allocate(capacity: 1)
  private let statusDetails = UnsafeMutablePointer<grpc_slice>.allocate(capacity: 1)
  private let errorString = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: 1)
  private let incomingMessage = UnsafeMutablePointer<UnsafeMutablePointer<grpc_byte_buffer>?>.allocate(capacity: 1)

  /// Creates the call on the shared client completion queue; `nil` if the core refuses.
  init?(channel: Channel, path: String, timeout: Duration?) {
    self.channel = channel
    let method = makeSlice(path)
    defer { cgrpc_grpc_slice_unref()(method) }
    guard
      let call = cgrpc_grpc_channel_create_call()(
        channel.handle.pointer, nil, cgrpc_propagate_defaults, channel.queue.pointer, method, nil,
        coreDeadline(after: timeout), nil)
    else {
      incomingInitialMetadata.free()
      incomingTrailingMetadata.free()
      statusCode.deallocate()
      statusDetails.deallocate()
      errorString.deallocate()
      incomingMessage.deallocate()
      return nil
    }
    self.call = call
    statusCode.initialize(to: GRPC_STATUS_OK)
    statusDetails.initialize(to: cgrpc_grpc_empty_slice()())
    errorString.initialize(to: nil)
    incomingMessage.initialize(to: nil)
  }

  deinit {
    outgoingMetadata?.free()
    if let outgoingMessage { cgrpc_grpc_byte_buffer_destroy()(outgoingMessage) }
    incomingInitialMetadata.free()
    incomingTrailingMetadata.free()
    cgrpc_grpc_slice_unref()(statusDetails.pointee)
    if let text = errorString.pointee { cgrpc_gpr_free()(UnsafeMutableRawPointer(mutating: text)) }
    if let buffer = incomingMessage.pointee { cgrpc_grpc_byte_buffer_destroy()(buffer) }
    statusCode.deallocate()
    statusDetails.deallocate()
    errorString.deallocate()
    incomingMessage.deallocate()
    cgrpc_grpc_call_unref()(call)
  }

  /// Cancels the call (thread-safe; a no-op once the call has finished).
  func cancel() {
    cgrpc_grpc_call_cancel()(call, nil)
  }

  /// Runs a batch of `count` ops to completion, cancelling the call if the task is cancelled
  /// meanwhile.
  ///
  /// Frees `ops`; returns the core's start result.
  func run(_ ops: UnsafeMutablePointer<grpc_op>, count: Int) async -> grpc_call_error {
    let (result, _) = await withTaskCancellationHandler {
      await channel.queue.run(call, owner: self, ops: ops, count: count)
    } onCancel: {
      self.cancel()
    }
    ops.deallocate()
    return result
  }

  // MARK: Filling ops

  /// Writes SEND_INITIAL_METADATA, SEND_MESSAGE and SEND_CLOSE_FROM_CLIENT at `ops[0...2]`.
  func fillSendOps(_ ops: UnsafeMutablePointer<grpc_op>, metadata: Metadata, message: [UInt8]) {
    let outgoing = OutgoingMetadata(metadata)
    outgoingMetadata = outgoing
    let buffer = makeByteBuffer(message)
    outgoingMessage = buffer
    ops[0] = grpc_op()
    ops[0].op = GRPC_OP_SEND_INITIAL_METADATA
    ops[0].data.send_initial_metadata.count = outgoing.count
    ops[0].data.send_initial_metadata.metadata = outgoing.elements
    ops[1] = grpc_op()
    ops[1].op = GRPC_OP_SEND_MESSAGE
    ops[1].data.send_message.send_message = buffer
    ops[2] = grpc_op()
    ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT
  }

  /// Writes RECV_INITIAL_METADATA at `op`.
  func fillReceiveInitialMetadata(_ op: UnsafeMutablePointer<grpc_op>) {
    op.pointee = grpc_op()
    op.pointee.op = GRPC_OP_RECV_INITIAL_METADATA
    op.pointee.data.recv_initial_metadata.recv_initial_metadata = incomingInitialMetadata.array
  }

  /// Writes RECV_MESSAGE at `op`.
  func fillReceiveMessage(_ op: UnsafeMutablePointer<grpc_op>) {
    op.pointee = grpc_op()
    op.pointee.op = GRPC_OP_RECV_MESSAGE
    op.pointee.data.recv_message.recv_message = incomingMessage
  }

  /// Writes RECV_STATUS_ON_CLIENT at `op`.
  func fillReceiveStatus(_ op: UnsafeMutablePointer<grpc_op>) {
    op.pointee = grpc_op()
    op.pointee.op = GRPC_OP_RECV_STATUS_ON_CLIENT
    op.pointee.data.recv_status_on_client.trailing_metadata = incomingTrailingMetadata.array
    op.pointee.data.recv_status_on_client.status = statusCode
    op.pointee.data.recv_status_on_client.status_details = statusDetails
    op.pointee.data.recv_status_on_client.error_string = errorString
  }

  // MARK: Reading results

  /// What the last RECV_MESSAGE produced.
  enum ReceivedMessage {
    /// A message.
    case message([UInt8])
    /// No message: the stream ended (the status says how).
    case end
    /// A message arrived but could not be decompressed.
    case unreadable
  }

  /// The message received by the last RECV_MESSAGE, consuming it.
  func takeMessage() -> ReceivedMessage {
    guard let buffer = incomingMessage.pointee else { return .end }
    incomingMessage.pointee = nil
    defer { cgrpc_grpc_byte_buffer_destroy()(buffer) }
    guard let bytes = readByteBuffer(buffer) else { return .unreadable }
    return .message(bytes)
  }

  /// The received initial metadata.
  func initialMetadata() -> Metadata {
    incomingInitialMetadata.read()
  }

  /// The received trailing metadata.
  func trailingMetadata() -> Metadata {
    incomingTrailingMetadata.read()
  }

  /// The status received by RECV_STATUS_ON_CLIENT, with `grpc-status-details-bin` from the trailers.
  func status(trailers: Metadata) -> Status {
    Status(
      code: Status.Code(wireValue: Int32(truncatingIfNeeded: statusCode.pointee.rawValue)),
      message: sliceString(statusDetails),
      details: trailers.firstBinary(Status.detailsKey))
  }

  /// The core's debug text for the status, if any.
  func debugText() -> String {
    errorString.pointee.map { String(cString: $0) } ?? ""
  }

  /// The error for a non-OK status, with metadata and, for connection failures, a diagnosis.
  func error(status: Status, initialMetadata: Metadata, trailingMetadata: Metadata) -> RPCError {
    let debug = debugText()
    var failure: ConnectionFailure?
    if status.code == .unavailable, initialMetadata.isEmpty {
      failure = ConnectionFailure.diagnose(
        message: status.message, debug: debug, target: channel.target, proxy: channel.proxy)
    } else if status.code == .deadlineExceeded, initialMetadata.isEmpty {
      let state = channel.connectivityState()
      if state == .connecting || state == .transientFailure {
        let endpoint = channel.proxy ?? channel.target.hostAndPort
        failure = ConnectionFailure(
          kind: channel.proxy == nil ? .connectionTimeout : .proxy, endpoint: endpoint,
          summary: "timed out connecting to \(endpoint) (the deadline passed before a connection was made)",
          remedy: "check the network connection, firewall and proxy settings; the server may be down",
          detail: status.message)
      }
    }
    return RPCError(
      status: status, initialMetadata: initialMetadata, trailingMetadata: trailingMetadata,
      connectionFailure: failure, debugDetail: debug)
  }
}

/// The error for a batch the core refused to start.
func startError(_ error: grpc_call_error) -> RPCError {
  RPCError(
    code: .internal, message: "the gRPC core refused the call: \(String(cString: cgrpc_grpc_call_error_to_string()(error)!))")
}
