import CGRPC

/// The successful result of a unary call.
public struct UnaryResponse: Sendable, Hashable {
  /// The response message bytes.
  public var message: [UInt8]
  /// The response headers.
  public var initialMetadata: Metadata
  /// The trailers sent with the OK status.
  public var trailingMetadata: Metadata

  /// Creates a response.
  public init(message: [UInt8], initialMetadata: Metadata = Metadata(), trailingMetadata: Metadata = Metadata()) {
    self.message = message
    self.initialMetadata = initialMetadata
    self.trailingMetadata = trailingMetadata
  }
}

extension Channel {
  /// Makes a unary call: sends one request message and returns the one response message.
  ///
  /// - Parameters:
  ///   - path: The full method path, for example "/modal.client.ModalClient/ClientHello".
  ///   - request: The serialized request message.
  ///   - metadata: Request headers (lower-case keys; `-bin` keys carry bytes).
  ///   - timeout: The deadline, sent as `grpc-timeout` and enforced locally; `nil` for none.
  /// - Throws: `RPCError` with the call's status when it does not end OK. Cancelling the calling
  ///   task cancels the call, which then fails with `CANCELLED`.
  public func unary(
    path: String, request: [UInt8], metadata: Metadata = Metadata(), timeout: Duration? = nil
  ) async throws(RPCError) -> UnaryResponse {
    try metadata.validate()
    if Task.isCancelled { throw RPCError.cancelled() }
    if let expired = RPCError.expiredBeforeStart(timeout) { throw expired }
    guard let call = ClientCall(channel: self, path: path, timeout: timeout) else {
      throw RPCError(code: .internal, message: "the gRPC core could not create a call to \(path)")
    }
    let ops = UnsafeMutablePointer<grpc_op>.allocate(capacity: 6)
    call.fillSendOps(ops, metadata: metadata, message: request)
    call.fillReceiveInitialMetadata(ops + 3)
    call.fillReceiveMessage(ops + 4)
    call.fillReceiveStatus(ops + 5)
    let startResult = await call.run(ops, count: 6)
    guard startResult == GRPC_CALL_OK else { throw startError(startResult) }
    let initial = call.initialMetadata()
    let trailing = call.trailingMetadata()
    let status = call.status(trailers: trailing)
    guard status.isOK else {
      throw call.error(status: status, initialMetadata: initial, trailingMetadata: trailing)
    }
    switch call.takeMessage() {
    case .message(let bytes):
      return UnaryResponse(message: bytes, initialMetadata: initial, trailingMetadata: trailing)
    case .end:
      throw RPCError(
        status: Status(code: .internal, message: "the server ended a unary call OK without a response message"),
        initialMetadata: initial, trailingMetadata: trailing)
    case .unreadable:
      throw RPCError(
        status: Status(code: .internal, message: "the response message could not be decompressed"),
        initialMetadata: initial, trailingMetadata: trailing)
    }
  }
}
