import RPC

/// The calls of one gRPC method: a count per status code and a latency histogram, updated under
/// one lock per call (the method's own, so calls of different methods never wait for each other).
package final class MethodMetrics: Sendable {
  /// What one method has counted.
  package struct Snapshot: Sendable {
    /// Calls per status code, indexed by the code's raw value.
    package var codes = [UInt64](repeating: 0, count: Status.Code.allCases.count)
    /// Their durations.
    package var latency = LatencyHistogram.Snapshot()
  }

  /// The method path, `/package.Service/Method`.
  package let path: String
  private let state = Locked(Snapshot())

  /// Counts for `path`.
  package init(path: String) { self.path = path }

  /// Records one finished call.
  package func record(_ code: Status.Code, duration: Duration) {
    let seconds = duration.seconds
    let index = Int(code.rawValue)
    state.withLock { state in
      if state.codes.indices.contains(index) { state.codes[index] &+= 1 }
      state.latency.observe(seconds)
    }
  }

  /// A copy of the counts.
  package var snapshot: Snapshot { state.withLock { $0 } }
}
