import RPC

/// The metrics and the log line of one method's calls, and the mapping of its errors to what the
/// client gets. The metrics are counted before the reply is sent, the log line written after.
/// Kept apart from the async handler so that none of it takes room in the handler's frame.
struct CallRecorder: Sendable {
  /// The method's path, as the log line names it.
  let path: String
  /// The method's counters and durations.
  let counts: MethodMetrics
  /// Where log lines go.
  let log: RequestLogger
  /// Where calls without a well-formed `x-request-id` get theirs.
  let requestIDs: RequestIDs

  /// Records a call answered with OK.
  @inline(never)
  func answered(since start: ContinuousClock.Instant, tokenID: String?, context: ServerContext) {
    record(.ok, since: start, tokenID: tokenID, reason: nil, context: context)
  }

  /// Records a call that failed with `error` and returns what its client gets: the error's own
  /// text, or for store and infrastructure failures a generic one (the cause goes to the log line).
  @inline(never)
  func failed(_ error: ServerError, since start: ContinuousClock.Instant, tokenID: String?, context: ServerContext)
    -> RPCError
  {
    if Task.isCancelled {
      record(.cancelled, since: start, tokenID: tokenID, reason: nil, context: context)
      return RPCError(code: .cancelled, message: "The call was cancelled.")
    }
    let generic = error.clientFacing
    record(
      error.code.statusCode, since: start, tokenID: tokenID, reason: generic == nil ? nil : error.message,
      logged: error.logged, context: context)
    return (generic ?? error).rpcError
  }

  private func record(
    _ code: Status.Code, since start: ContinuousClock.Instant, tokenID: String?, reason: String?, logged: Bool = true,
    context: ServerContext
  ) {
    let duration = ContinuousClock.now - start
    counts.record(code, duration: duration)
    guard logged else { return }
    // The line is made and written once the reply is on its way: a client that waits for each
    // reply before its next call would otherwise wait for the line too (about 5 percent of a lone
    // client's calls per second; docs/benchmarks.md).
    context.afterReply { [self] in
      log(
        RequestLogEntry(
          method: path, status: code.description, duration: duration, tokenID: tokenID, peer: context.peer,
          reason: reason, requestID: requestIDs.id(for: context.requestMetadata)))
    }
  }
}
