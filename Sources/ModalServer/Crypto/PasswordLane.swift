/// The queue in front of argon2 work on this replica: a bounded number of checks run at once,
/// waiting callers that are known (a past success from their address, or a valid known-device
/// cookie) go before strangers, and strangers beyond `strangerQueue` are turned away at once.
///
/// Without it a flood of guesses queues ahead of the owner's sign-in (each check takes about
/// 0.1 s and 64 MiB, two at a time), so a real sign-in waited seconds behind a sprayer.
package actor PasswordLane {
  /// Checks running at once (each argon2id check holds 64 MiB).
  package let running: Int
  /// Strangers that may wait for a slot; more are refused.
  package let strangerQueue: Int
  /// Addresses remembered as known, at most this many (the oldest is forgotten first).
  static let knownAddressLimit = 4096

  private var busy = 0
  private var knownWaiting: [CheckedContinuation<Void, Never>] = []
  private var strangersWaiting: [CheckedContinuation<Void, Never>] = []
  private var knownAddresses: [String: Int] = [:]
  private var knownOrder: [String] = []

  /// A lane running `running` checks at once with room for `strangerQueue` waiting strangers.
  package init(running: Int = 2, strangerQueue: Int) {
    self.running = max(1, running)
    self.strangerQueue = max(0, strangerQueue)
  }

  /// Whether `address` had a successful sign-in on this replica.
  package func isKnown(_ address: String) -> Bool { knownAddresses[address] != nil }

  /// Remembers `address` as known after a successful sign-in.
  package func remember(_ address: String) {
    guard knownAddresses[address] == nil else { return }
    knownAddresses[address] = 1
    knownOrder.append(address)
    if knownOrder.count > Self.knownAddressLimit {
      knownAddresses[knownOrder.removeFirst()] = nil
    }
  }

  /// Waits for a slot; `false` (at once) when the caller is a stranger and the strangers' queue is
  /// full. A `true` must be followed by `leave()`.
  package func enter(known: Bool) async -> Bool {
    if busy < running {
      busy += 1
      return true
    }
    if !known && strangersWaiting.count >= strangerQueue { return false }
    await withCheckedContinuation { continuation in
      if known { knownWaiting.append(continuation) } else { strangersWaiting.append(continuation) }
    }
    return true
  }

  /// Gives the slot to the next waiter (known ones first), or frees it.
  package func leave() {
    if !knownWaiting.isEmpty {
      knownWaiting.removeFirst().resume()
    } else if !strangersWaiting.isEmpty {
      strangersWaiting.removeFirst().resume()
    } else {
      busy -= 1
    }
  }

  /// Runs `body` in a slot; `nil` when a stranger was turned away.
  package nonisolated func run<T: Sendable>(known: Bool, _ body: @Sendable () async -> T) async -> T? {
    guard await enter(known: known) else { return nil }
    let result = await body()
    await leave()
    return result
  }
}
