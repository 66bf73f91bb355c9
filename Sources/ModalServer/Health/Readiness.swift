import RPC

/// Whether this replica can serve: its database answers with the schema this binary expects.
/// Keys are loaded before a `Readiness` exists (the server does not start without them), so they
/// are not probed again.
///
/// Probes are cheap (one `SELECT MAX(version)` on the schema table) and shared: `current()`
/// reuses a result younger than `maximumAge`, so a storm of health checks costs one query per
/// interval; the application also probes every `interval` and `watch()` hears every change.
package final class Readiness: Sendable {
  /// The outcome of a probe.
  package enum State: Sendable, Equatable {
    /// The database answered with the expected schema.
    case ready
    /// Why this replica cannot serve (for operators: no user, token or connection detail).
    case notReady(String)
  }

  private struct Cache {
    var state: State?
    var checkedAt: ContinuousClock.Instant?
    var watchers: [Int: AsyncStream<State>.Continuation] = [:]
    var nextWatcher = 0
  }

  private let store: any Store
  private let maximumAge: Duration
  private let cache = Locked(Cache())

  /// Readiness of `store`; results are reused for `maximumAge`.
  package init(store: any Store, maximumAge: Duration = .seconds(1)) {
    self.store = store
    self.maximumAge = maximumAge
  }

  /// The state now: the last probe's if recent enough, else a new probe's.
  package func current() async -> State {
    let recent = cache.withLock { cache -> State? in
      guard let checkedAt = cache.checkedAt, ContinuousClock.now - checkedAt < maximumAge else { return nil }
      return cache.state
    }
    if let recent { return recent }
    return await probe()
  }

  /// Probes the store now and tells the watchers if the state changed.
  @discardableResult
  package func probe() async -> State {
    let state: State
    do {
      let version = try await store.schemaVersion()
      state =
        version == StoreSchema.latestVersion
        ? .ready : .notReady("the database schema is version \(version), this modal-server needs \(StoreSchema.latestVersion)")
    } catch {
      state = .notReady("the database does not answer")
    }
    let watchers = cache.withLock { cache -> [AsyncStream<State>.Continuation] in
      let changed = cache.state != state
      cache.state = state
      cache.checkedAt = .now
      return changed ? Array(cache.watchers.values) : []
    }
    for watcher in watchers { watcher.yield(state) }
    return state
  }

  /// The current state, then every change, until the consumer stops listening.
  package func watch() async -> AsyncStream<State> {
    let (stream, continuation) = AsyncStream.makeStream(of: State.self, bufferingPolicy: .bufferingNewest(1))
    let id = cache.withLock { cache -> Int in
      cache.nextWatcher += 1
      cache.watchers[cache.nextWatcher] = continuation
      return cache.nextWatcher
    }
    continuation.onTermination = { [weak self] _ in
      _ = self?.cache.withLock { $0.watchers.removeValue(forKey: id) }
    }
    continuation.yield(await current())
    return stream
  }

  /// Probes every `interval` until the task is cancelled (the application runs this).
  package func probePeriodically(every interval: Duration = .seconds(2)) async {
    while !Task.isCancelled {
      await probe()
      try? await Task.sleep(for: interval)
    }
  }
}
