import Dispatch
import RPC

/// Remembers, for at most `lifetime`, the caller a token id resolved to, so a busy client's calls
/// do not each read the token, workspace, user and membership from the database. The secret is
/// still checked on every call, and so are revocation and expiry.
///
/// A token pair's caller is remembered with a fingerprint of the secret that passed the full check
/// (`Sodium.FingerprintKey`, a key of this process's own), which a remembered call's secret must
/// match (`caller(tokenID:provenBy:)`): about 35 ns against the 500-900 of the stored hash's
/// HMAC-SHA-256. The secret itself is never kept; the fingerprint lives in memory only, as long
/// as the entry, and a different secret matches it with probability 2^-128.
///
/// Kept honest by `StoreEvent`s: a revocation or membership change anywhere (this replica, another
/// replica, the command line) forgets everything at once; the short lifetime bounds how long a
/// change can go unseen if a notice is lost. An entry read before a change but stored after it is
/// refused (`generation`), so a lookup racing a revocation cannot outlive it.
package final class CallerCache: Sendable {
  private struct Entry {
    let caller: Caller
    let storedAt: UInt64
    /// The fingerprint of the token secret that was checked, if the caller came with one.
    let secret: Sodium.Fingerprint?
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
  /// The key of the secrets' fingerprints, made with the cache.
  private let fingerprints = Sodium.FingerprintKey()

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

  /// The remembered caller of `tokenID` if it is fresh and was remembered with a token secret
  /// that `secret` is (its fingerprint matches); `nil` otherwise.
  package func caller(tokenID: TokenID, provenBy secret: String) -> Caller? {
    let presented = fingerprints.fingerprint(of: secret)
    let now = DispatchTime.now().uptimeNanoseconds
    return state.withLock { state in
      guard lifetimeNanoseconds > 0, let entry = state.entries[tokenID], now &- entry.storedAt < lifetimeNanoseconds,
        let remembered = entry.secret, remembered.matches(presented)
      else { return nil }
      return entry.caller
    }
  }

  /// Remembers `caller`, unless something changed since `generation` was read; with `secret`, the
  /// token secret the caller was checked with (only its fingerprint is kept).
  package func store(_ caller: Caller, secret: String? = nil, generation: UInt64) {
    guard lifetimeNanoseconds > 0 else { return }
    let fingerprint = secret.map { fingerprints.fingerprint(of: $0) }
    let now = DispatchTime.now().uptimeNanoseconds
    state.withLock { state in
      guard state.generation == generation else { return }
      if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
      state.entries[caller.token.id] = Entry(caller: caller, storedAt: now, secret: fingerprint)
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
