import RPC

/// Remembers the signed reports accepted recently, so the same body with the same signature is
/// refused when it comes again within `window` (a captured report replayed at us).
///
/// In memory, per replica: a replay sent to another replica is acted on again, which is harmless,
/// since revoking a revoked token changes nothing and writes no second audit entry.
package final class ReplayGuard: Sendable {
  private let seen = Locked<[[UInt8]: UnixTime]>([:])
  /// How long a report is remembered.
  package let window: Int64
  /// The most reports remembered; past it the oldest are forgotten first.
  package let capacity: Int

  /// A guard remembering reports for `window` seconds, at most `capacity` of them.
  package init(window: Int64 = 3600, capacity: Int = 100_000) {
    self.window = window
    self.capacity = capacity
  }

  /// Records the report with this digest at `now`; `false` when it was already seen in the window.
  package func admit(_ digest: [UInt8], at now: UnixTime) -> Bool {
    seen.withLock { seen in
      let cutoff = now.adding(seconds: -window)
      if let earlier = seen[digest], earlier >= cutoff { return false }
      if seen.count >= capacity {
        seen = seen.filter { $0.value >= cutoff }
        while seen.count >= capacity, let oldest = seen.min(by: { $0.value < $1.value }) { seen[oldest.key] = nil }
      }
      seen[digest] = now
      return true
    }
  }

  /// Forgets a report that could not be acted on, so its redelivery is not taken for a replay.
  package func forget(_ digest: [UInt8]) {
    _ = seen.withLock { $0.removeValue(forKey: digest) }
  }
}
