import RPC

/// A monotonically increasing count (a Prometheus counter), safe to bump from any thread.
package final class MetricCounter: Sendable {
  private let value = Locked<UInt64>(0)

  /// A counter at zero.
  package init() {}

  /// Adds `amount`.
  package func add(_ amount: UInt64 = 1) { value.withLock { $0 &+= amount } }

  /// The current count.
  package var count: UInt64 { value.withLock { $0 } }
}

/// Counts by one label value, for labels with few values (HTTP statuses, limit names).
package final class LabeledCounter: Sendable {
  private let values = Locked<[String: UInt64]>([:])

  /// An empty set of counts.
  package init() {}

  /// Adds one to the count of `label`.
  package func add(_ label: String) { values.withLock { $0[label, default: 0] &+= 1 } }

  /// Every label with its count, sorted by label.
  package var counts: [(label: String, count: UInt64)] {
    values.withLock { $0 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }
}

/// A latency histogram with fixed buckets in seconds (Prometheus' cumulative `le` buckets).
package final class LatencyHistogram: Sendable {
  /// The upper bounds of the buckets, in seconds: 0.5 ms to 10 s.
  package static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

  /// What a histogram holds at one moment.
  package struct Snapshot: Sendable {
    /// Observations per bucket (not cumulative), one more than `bounds` for `+Inf`.
    package var buckets = [UInt64](repeating: 0, count: LatencyHistogram.bounds.count + 1)
    /// The sum of every observation, in seconds.
    package var sum: Double = 0
    /// How many observations.
    package var count: UInt64 = 0

    mutating func observe(_ seconds: Double) {
      var index = 0
      while index < LatencyHistogram.bounds.count && seconds > LatencyHistogram.bounds[index] { index += 1 }
      buckets[index] &+= 1
      sum += seconds
      count &+= 1
    }
  }

  private let state = Locked(Snapshot())

  /// An empty histogram.
  package init() {}

  /// Records one duration.
  package func observe(_ duration: Duration) { observe(seconds: duration.seconds) }

  /// Records one duration in seconds.
  package func observe(seconds: Double) { state.withLock { $0.observe(seconds) } }

  /// A copy of the buckets, sum and count.
  package var snapshot: Snapshot { state.withLock { $0 } }
}

extension Duration {
  /// The duration in seconds, as a `Double`.
  package var seconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) + Double(attoseconds) / 1e18
  }
}
