import CGRPC

extension Channel {
  /// Starts a server-streaming call: sends one request message and returns the response messages
  /// as an asynchronous sequence.
  ///
  /// The call starts when iteration starts. The sequence ends normally when the server ends the
  /// call OK and throws `RPCError` otherwise. Cancelling the iterating task, or stopping iteration
  /// early (leaving the `for` loop), cancels the call.
  public func serverStreaming(
    path: String, request: [UInt8], metadata: Metadata = Metadata(), timeout: Duration? = nil
  ) -> ResponseStream {
    ResponseStream(
      StreamingCallState(channel: self, path: path, request: request, metadata: metadata, timeout: timeout))
  }
}

/// The response messages of a server-streaming call, ending with the call's status.
///
/// Iterate it once. After iteration, `initialMetadata`, `trailingMetadata` and `status` describe
/// the finished call.
public struct ResponseStream: AsyncSequence, Sendable {
  /// Each element is one serialized response message.
  public typealias Element = [UInt8]
  /// Iteration fails with the call's non-OK status.
  public typealias Failure = RPCError

  let state: StreamingCallState

  init(_ state: StreamingCallState) {
    self.state = state
  }

  /// Returns the iterator; the call starts on its first `next()`.
  public func makeAsyncIterator() -> Iterator {
    Iterator(state: state)
  }

  /// The response headers, once the first message or the end has been received.
  public var initialMetadata: Metadata? { state.snapshot().initialMetadata }
  /// The trailers, once the call has ended.
  public var trailingMetadata: Metadata? { state.snapshot().trailingMetadata }
  /// The final status, once the call has ended.
  public var status: Status? { state.snapshot().status }

  /// Cancels the call; a pending or later `next()` then fails with `CANCELLED`.
  public func cancel() {
    state.cancel()
  }

  /// Produces the response messages.
  public struct Iterator: AsyncIteratorProtocol {
    /// Each element is one serialized response message.
    public typealias Element = [UInt8]
    /// Iteration fails with the call's non-OK status.
    public typealias Failure = RPCError

    private let state: StreamingCallState
    private let stopper: CancelOnRelease

    init(state: StreamingCallState) {
      self.state = state
      stopper = CancelOnRelease(state)
    }

    /// The next message, or `nil` once the call has ended OK.
    public mutating func next() async throws(RPCError) -> [UInt8]? {
      try await state.next()
    }

    /// The next message, or `nil` once the call has ended OK.
    public mutating func next(isolation actor: isolated (any Actor)?) async throws(RPCError) -> [UInt8]? {
      try await state.next()
    }
  }
}

/// Cancels the call when the last copy of an iterator goes away before the call has ended.
final class CancelOnRelease: Sendable {
  private let state: StreamingCallState

  init(_ state: StreamingCallState) {
    self.state = state
  }

  deinit {
    state.cancelIfUnfinished()
  }
}

/// The shared state of one server-streaming call.
final class StreamingCallState: Sendable {
  struct Snapshot {
    var initialMetadata: Metadata?
    var trailingMetadata: Metadata?
    var status: Status?
  }

  private enum Phase {
    case notStarted
    case starting
    case running(ClientCall)
    case receiving(ClientCall)
    case finished(RPCError?)
  }

  private struct Mutable {
    var phase = Phase.notStarted
    var cancelled = false
    var snapshot = Snapshot()
    var statusArrived = false
    var statusWaiter: UnsafeContinuation<Void, Never>?
  }

  private let channel: Channel
  private let path: String
  private let request: [UInt8]
  private let metadata: Metadata
  private let timeout: Duration?
  private let mutable = Locked(Mutable())

  init(channel: Channel, path: String, request: [UInt8], metadata: Metadata, timeout: Duration?) {
    self.channel = channel
    self.path = path
    self.request = request
    self.metadata = metadata
    self.timeout = timeout
  }

  func snapshot() -> Snapshot {
    mutable.withLock { $0.snapshot }
  }

  func cancel() {
    let call: ClientCall? = mutable.withLock { state in
      state.cancelled = true
      switch state.phase {
      case .running(let call), .receiving(let call): return call
      case .notStarted, .starting, .finished: return nil
      }
    }
    call?.cancel()
  }

  func cancelIfUnfinished() {
    cancel()
  }

  /// Claims the call for one receive; `nil` plus a result when there is nothing to receive.
  private enum Claim {
    case start
    case receive(ClientCall)
    case done(RPCError?)
  }

  func next() async throws(RPCError) -> [UInt8]? {
    let claim: Claim = mutable.withLock { state in
      switch state.phase {
      case .notStarted:
        if state.cancelled {
          state.phase = .finished(RPCError.cancelled())
          return .done(RPCError.cancelled())
        }
        state.phase = .starting
        return .start
      case .running(let call):
        state.phase = .receiving(call)
        return .receive(call)
      case .starting, .receiving:
        return .done(RPCError(code: .internal, message: "concurrent next() calls on one response stream"))
      case .finished(let error):
        return .done(error)
      }
    }
    let call: ClientCall
    switch claim {
    case .done(let error):
      if let error { throw error }
      return nil
    case .start:
      do {
        try metadata.validate()
      } catch {
        throw finish(error)
      }
      if let expired = RPCError.expiredBeforeStart(timeout) { throw finish(expired) }
      guard let created = ClientCall(channel: channel, path: path, timeout: timeout) else {
        throw finish(RPCError(code: .internal, message: "the gRPC core could not create a call to \(path)"))
      }
      call = created
      let cancelled = mutable.withLock { state -> Bool in
        state.phase = .receiving(call)
        return state.cancelled
      }
      if cancelled || Task.isCancelled { call.cancel() }
      let statusResult = startStatusBatch(call)
      guard statusResult == GRPC_CALL_OK else { throw finish(startError(statusResult)) }
      let ops = UnsafeMutablePointer<grpc_op>.allocate(capacity: 5)
      call.fillSendOps(ops, metadata: metadata, message: request)
      call.fillReceiveInitialMetadata(ops + 3)
      call.fillReceiveMessage(ops + 4)
      let result = await call.run(ops, count: 5)
      guard result == GRPC_CALL_OK else {
        call.cancel()
        await waitForStatus()
        throw finish(startError(result))
      }
      let initial = call.initialMetadata()
      mutable.withLock { $0.snapshot.initialMetadata = initial }
    case .receive(let claimed):
      call = claimed
      let op = UnsafeMutablePointer<grpc_op>.allocate(capacity: 1)
      call.fillReceiveMessage(op)
      let result = await call.run(op, count: 1)
      guard result == GRPC_CALL_OK else {
        call.cancel()
        await waitForStatus()
        throw finish(startError(result))
      }
    }
    switch call.takeMessage() {
    case .message(let bytes):
      mutable.withLock { $0.phase = .running(call) }
      return bytes
    case .unreadable:
      call.cancel()
      await waitForStatus()
      throw finish(RPCError(code: .internal, message: "a response message could not be decompressed"))
    case .end:
      await waitForStatus()
      let initial = mutable.withLock { $0.snapshot.initialMetadata } ?? Metadata()
      let trailing = call.trailingMetadata()
      let status = call.status(trailers: trailing)
      mutable.withLock { state in
        state.snapshot.trailingMetadata = trailing
        state.snapshot.status = status
      }
      if status.isOK {
        _ = finish(nil)
        return nil
      }
      throw finish(call.error(status: status, initialMetadata: initial, trailingMetadata: trailing))
    }
  }

  /// Records the end of the call and returns `error` (so callers can `throw finish(...)`).
  @discardableResult
  private func finish(_ error: RPCError?) -> RPCError {
    mutable.withLock { state in
      state.phase = .finished(error)
      if let error, state.snapshot.status == nil { state.snapshot.status = error.status }
    }
    return error ?? RPCError(code: .ok, message: "")
  }

  /// Starts the RECV_STATUS_ON_CLIENT batch, which completes when the call ends.
  private func startStatusBatch(_ call: ClientCall) -> grpc_call_error {
    let op = UnsafeMutablePointer<grpc_op>.allocate(capacity: 1)
    defer { op.deallocate() }
    call.fillReceiveStatus(op)
    let tag = ClosureTag { [self, call] _ in
      _ = call
      let waiter: UnsafeContinuation<Void, Never>? = self.mutable.withLock { state in
        state.statusArrived = true
        defer { state.statusWaiter = nil }
        return state.statusWaiter
      }
      waiter?.resume()
    }
    var result = GRPC_CALL_OK
    call.channel.queue.start(tag) { pointer in
      result = cgrpc_grpc_call_start_batch()(call.call, op, 1, pointer, nil)
      return result == GRPC_CALL_OK
    }
    if result != GRPC_CALL_OK { mutable.withLock { $0.statusArrived = true } }
    return result
  }

  /// Waits until the status batch has completed.
  private func waitForStatus() async {
    await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
      let arrived = mutable.withLock { state -> Bool in
        if state.statusArrived { return true }
        state.statusWaiter = continuation
        return false
      }
      if arrived { continuation.resume() }
    }
  }
}
