import Dispatch
import RPC

/// Remembers, for at most `lifetime`, the caller a token id resolved to, so a busy client's calls
/// do not each read the token, workspace, user and membership from the database. The secret is
/// still checked against the remembered hash on every call, and revocation and expiry are still
/// checked on every call.
///
/// Kept honest by `StoreEvent`s: a revocation or membership change anywhere (this replica, another
/// replica, the command line) forgets everything at once; the short lifetime bounds how long a
/// change can go unseen if a notice is lost. An entry read before a change but stored after it is
/// refused (`generation`), so a lookup racing a revocation cannot outlive it.
package final class CallerCache: Sendable {
  private struct Entry {
    let caller: Caller
    let storedAt: UInt64
  }

  private struct State {
    var entries: [TokenID: Entry] = [:]
    var generation: UInt64 = 0
  }

  /// How long an entry is used, in nanoseconds.
  private let lifetimeNanoseconds: UInt64
  /// The most entries kept; beyond it the cache starts over.
  private let capacity: Int
  private let state = Locked(State())

  /// A cache whose entries live `lifetime` (1 second by default; zero disables it).
  package init(lifetime: Duration = .seconds(1), capacity: Int = 10_000) {
    let (seconds, attoseconds) = lifetime.components
    lifetimeNanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    self.capacity = capacity
  }

  /// The remembered caller of `tokenID` if it is fresh, and the generation to pass to `store` if
  /// the caller has to be looked up (one lock per call on the hot path).
  package func lookup(tokenID: TokenID) -> (caller: Caller?, generation: UInt64) {
    let now = DispatchTime.now().uptimeNanoseconds
    return state.withLock { state in
      guard lifetimeNanoseconds > 0, let entry = state.entries[tokenID] else { return (nil, state.generation) }
      guard now &- entry.storedAt < lifetimeNanoseconds else {
        state.entries[tokenID] = nil
        return (nil, state.generation)
      }
      return (entry.caller, state.generation)
    }
  }

  /// Remembers `caller`, unless something changed since `generation` was read.
  package func store(_ caller: Caller, generation: UInt64) {
    guard lifetimeNanoseconds > 0 else { return }
    let now = DispatchTime.now().uptimeNanoseconds
    state.withLock { state in
      guard state.generation == generation else { return }
      if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
      state.entries[caller.token.id] = Entry(caller: caller, storedAt: now)
    }
  }

  /// Forgets every caller (credentials changed somewhere).
  package func removeAll() {
    state.withLock { state in
      state.generation &+= 1
      state.entries.removeAll(keepingCapacity: true)
    }
  }

  /// Reacts to a store event: forgets everything on credential changes and resynchronization.
  package func handle(_ event: StoreEvent) {
    switch event {
    case .credentialsChanged, .resynchronize: removeAll()
    case .flowChanged: break
    }
  }
}
