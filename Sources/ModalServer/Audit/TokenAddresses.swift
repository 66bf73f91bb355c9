import RPC

/// Notices a token used from a network address it was not used from before, and records
/// `token.used_from_new_address` (`Store.noteTokenAddress`).
///
/// The pairs already known are remembered in memory, so a token calling again from the same
/// address costs one lock and no write: auditing never writes per call. Only the first call of a
/// pair in this process goes to the store, which decides, across replicas, whether the pair is new.
package final class TokenAddresses: Sendable {
  private struct Pair: Hashable {
    let token: TokenID
    let address: String
  }

  private let known = Locked(Set<Pair>())
  /// The most pairs remembered; beyond it the set starts over (the store still knows them all).
  private let capacity: Int

  /// Creates an empty set of pairs.
  package init(capacity: Int = 100_000) { self.capacity = capacity }

  /// Whether `noteUse` would have nothing to do for `caller`: its peer has no address, or this
  /// process already recorded the pair.
  package func isKnown(_ caller: Caller) -> Bool {
    let address = FlowStartLimiter.address(of: caller.peer)
    guard !address.isEmpty else { return true }
    let pair = Pair(token: caller.token.id, address: address)
    return known.withLock { $0.contains(pair) }
  }

  /// Notes that `caller`'s token was used at `time` from its peer's address; writes to the store
  /// only the first time this process sees the pair.
  package func noteUse(by caller: Caller, at time: UnixTime, store: any Store) async {
    guard !isKnown(caller) else { return }
    let actor = caller.auditActor
    let pair = Pair(token: caller.token.id, address: actor.address)
    do {
      if let oauth = caller.oauth {
        // Grants have no address table (it references tokens): each replica records a grant's
        // first use from an address once, which also puts the first use of every grant in the log.
        try await store.recordAudit(
          AuditEntry(
            .oauthGrantUsed, by: actor, target: .oauthGrant(oauth.grant.id, appName: oauth.app.name),
            workspaceID: caller.workspace.id, at: time, detail: ["client_id": oauth.app.id.rawValue]))
      } else {
        let entry = AuditEntry(
          .tokenUsedFromNewAddress, by: actor, target: .token(caller.token.id, name: caller.token.name),
          workspaceID: caller.workspace.id, at: time)
        _ = try await store.noteTokenAddress(caller.token.id, address: actor.address, at: time, audit: entry)
      }
    } catch {
      // The call itself is fine; not remembering the pair makes the next call try again.
      return
    }
    let capacity = self.capacity
    known.withLock { pairs in
      if pairs.count >= capacity { pairs.removeAll() }
      pairs.insert(pair)
    }
  }
}
