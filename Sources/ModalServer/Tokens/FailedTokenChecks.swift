import Foundation
import RPC

/// Budgets for failed token checks, per token id and per client address (issue 13, item 10).
///
/// Only failures are counted and only failures are slowed: `TokenService.authenticate` checks the
/// secret first and accepts a correct one whatever the budgets say, so nobody can lock a valid token
/// out by failing against its id, and a valid client behind the same address as a guesser is not
/// slowed. Past a budget a failure is answered after `delay` (a guesser on one connection gets
/// at most `streams / delay` answers a second) and its log line is dropped.
package final class FailedTokenChecks: Sendable {
  /// What to do with one failure.
  package struct Verdict: Sendable, Equatable {
    /// How long to wait before answering it.
    package var delay: Duration
    /// Whether it gets a log line.
    package var logged: Bool
  }

  /// A token bucket: `capacity` failures at once, refilled at `perSecond`.
  private struct Bucket {
    var tokens: Double
    var updated: ContinuousClock.Instant

    mutating func take(capacity: Double, perSecond: Double, now: ContinuousClock.Instant) -> Bool {
      let elapsed = now - updated
      let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
      tokens = min(capacity, tokens + seconds * perSecond)
      updated = now
      guard tokens >= 1 else { return false }
      tokens -= 1
      return true
    }
  }

  private struct State {
    var byID: [String: Bucket] = [:]
    var byAddress: [String: Bucket] = [:]
    var logLines: [String: Bucket] = [:]
  }

  /// Failures an id or an address may have at once before they are slowed.
  package let burst: Double
  /// Failures per second an id or an address may have after its burst.
  package let perSecond: Double
  /// The wait before answering a failure past a budget.
  package let delay: Duration
  /// Log lines for failures per address per minute.
  package let logLinesPerMinute: Double
  private let state = Locked(State())
  private static let maximumEntries = 10_000

  /// Budgets: `burst` failures at once and `perSecond` after, per id and per address; past them a
  /// failure waits `delay`; `logLinesPerMinute` failure lines per address.
  package init(burst: Double = 10, perSecond: Double = 1, delay: Duration = .milliseconds(250), logLinesPerMinute: Double = 20) {
    self.burst = burst
    self.perSecond = perSecond
    self.delay = delay
    self.logLinesPerMinute = logLinesPerMinute
  }

  /// Counts one failure of `id` (the claimed id, well-formed or not) from `peer` (the core's
  /// `ipv4:1.2.3.4:5678`; the port is ignored).
  package func failed(id claimed: String, peer: String, now: ContinuousClock.Instant = .now) -> Verdict {
    let id = String(claimed.prefix(64))
    let address = Self.address(of: peer)
    return state.withLock { state in
      if state.byID.count > Self.maximumEntries { state.byID = [:] }
      if state.byAddress.count > Self.maximumEntries {
        state.byAddress = [:]
        state.logLines = [:]
      }
      let fresh = Bucket(tokens: burst, updated: now)
      let idWithin = state.byID[id, default: fresh].take(capacity: burst, perSecond: perSecond, now: now)
      let addressWithin = state.byAddress[address, default: fresh].take(capacity: burst, perSecond: perSecond, now: now)
      let lines = Bucket(tokens: logLinesPerMinute, updated: now)
      let logged = state.logLines[address, default: lines].take(capacity: logLinesPerMinute, perSecond: logLinesPerMinute / 60, now: now)
      return Verdict(delay: idWithin && addressWithin ? .zero : delay, logged: logged)
    }
  }

  /// The address part of a gRPC core peer string (`ipv4:127.0.0.1:5000` -> `127.0.0.1`).
  static func address(of peer: String) -> String {
    var text = Substring(peer)
    if let colon = text.firstIndex(of: ":"), ["ipv4", "ipv6", "unix"].contains(text[..<colon]) {
      text = text[text.index(after: colon)...]
    }
    if let colon = text.lastIndex(of: ":"), text[text.index(after: colon)...].allSatisfy(\.isNumber) {
      text = text[..<colon]
    }
    return String(text)
  }
}
