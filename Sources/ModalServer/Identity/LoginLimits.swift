/// Failed dashboard logins, counted so that guessing is bounded without letting anyone lock the
/// owner out (OWASP, authentication cheat sheet; NIST SP 800-63B §5.2.2). Every count lives in the
/// store (`AttemptLimiter`), so every replica counts together. Three bounds, checked in order:
///
/// - Per client address, across all accounts (`ServerSettings.loginFailuresPerAddress` in 15
///   minutes): a sprayer guessing many emails from one address gets 429, whatever it tries.
/// - Per account and address: `perAddress` failures lock that pair, which stops one client
///   guessing one account and leaves the owner, elsewhere, able to log in.
/// - Per account, from anywhere: after `slowAfter` failures in the window the account *slows*
///   instead of locking: an attempt from an address that has itself failed on the account must
///   come `delay(failures:)` after the account's latest failure (1 s, doubling, at most
///   `slowCapSeconds`). An address with no failures of its own on the account, or a browser with a
///   known-device cookie for it (`KnownDevice`), is not slowed, so the account's failures never
///   refuse the owner's right password.
package struct LoginLimits: Sendable {
  /// Failures per account and address in the window.
  package static let perAddress = 5
  /// Failures per account, from anywhere, before the account slows.
  package static let slowAfter = 10
  /// The longest wait the slow-down imposes, in seconds.
  package static let slowCapSeconds: Int64 = 60
  /// The window, in seconds.
  package static let windowSeconds: Int64 = 15 * 60

  private let byClient: AttemptLimiter?
  private let byPair: AttemptLimiter
  private let byAccount: AttemptLimiter
  private let clock: ServerClock

  /// Creates the limits over the server's store and settings.
  package init(dependencies: Dependencies) {
    let budget = dependencies.settings.loginFailuresPerAddress
    byClient =
      budget > 0 ? AttemptLimiter(limit: budget, windowSeconds: Self.windowSeconds, dependencies: dependencies) : nil
    byPair = AttemptLimiter(limit: Self.perAddress, windowSeconds: Self.windowSeconds, dependencies: dependencies)
    // Counts far enough to reach the cap of the slow-down (2^6 s > 60 s).
    byAccount = AttemptLimiter(limit: Self.slowAfter + 7, windowSeconds: Self.windowSeconds, dependencies: dependencies)
    clock = dependencies.clock
  }

  /// The wait after the account's latest failure once it has `failures` in the window.
  package static func delay(failures: Int) -> Int64 {
    guard failures >= slowAfter else { return 0 }
    let doublings = min(failures - slowAfter, 6)
    return min(slowCapSeconds, Int64(1) << doublings)
  }

  /// Counts a login to `account` from `address` before its password is checked and says whether
  /// it may go ahead. Counting first keeps concurrent guesses within the bounds; a login that
  /// turns out right is taken back with `succeeded(_:)`.
  package func begin(account: String, address: String, knownDevice: Bool) async throws(ServerError) -> LoginDecision {
    var counted: [(AttemptLimiter, CountedAttempt)] = []
    if let byClient {
      let client = try await byClient.count(Self.clientKey(address))
      if let until = client.lockedUntil { return .refused(LoginRefusal(.addressBudget, until: until)) }
      counted.append((byClient, client))
    }
    let pair = try await byPair.count(Self.pairKey(account, address))
    if let until = pair.lockedUntil { return .refused(LoginRefusal(.accountLocked, until: until)) }
    let addressHasFailed = pair.recent.count > 1
    if addressHasFailed && !knownDevice, let until = slowedUntil(try await byAccount.recent(account)) {
      // Not counted on the account: no password is checked, so its slow-down does not grow.
      return .refused(LoginRefusal(.accountSlowed, until: until))
    }
    _ = try await byAccount.count(account)
    return .proceed(LoginTicket(account: account, address: address, counted: counted))
  }

  /// When the next attempt may come after the account's `failures` (newest first), if later than now.
  private func slowedUntil(_ failures: [UnixTime]) -> UnixTime? {
    guard let latest = failures.first else { return nil }
    let until = latest.adding(seconds: Self.delay(failures: failures.count))
    return until.microseconds > clock.now().microseconds ? until : nil
  }

  /// Takes back the attempt of a right password from the address's budget and forgets the
  /// failures of its account and address pair. (The account's failures, and this attempt, still
  /// count toward its slow-down: forgetting them would let one success hide a spray.)
  package func succeeded(_ ticket: LoginTicket) async throws(ServerError) {
    for (limiter, attempt) in ticket.counted { try await limiter.forget(attempt) }
    try await byPair.reset(Self.pairKey(ticket.account, ticket.address))
  }

  private static func pairKey(_ account: String, _ address: String) -> String { account + "\n" + address }
  private static func clientKey(_ address: String) -> String { "address\n" + address }
}

/// What `LoginLimits.begin` decided about one login.
package enum LoginDecision: Sendable {
  /// Check the password; report a right one with `LoginLimits.succeeded(_:)`.
  case proceed(LoginTicket)
  /// Do not check the password: answer 429.
  case refused(LoginRefusal)
}

/// A login that may check its password, with what was counted for it.
package struct LoginTicket: Sendable {
  fileprivate let account: String
  fileprivate let address: String
  fileprivate let counted: [(AttemptLimiter, CountedAttempt)]
}

/// Why a login was refused before its password was checked, and until when.
package struct LoginRefusal: Sendable, Equatable {
  /// Which bound refused it.
  package enum Reason: Sendable, Equatable {
    /// Too many failures from this address, across all accounts.
    case addressBudget
    /// Too many failures on this account from this address.
    case accountLocked
    /// The account is slowed and this address has failed on it.
    case accountSlowed
  }

  /// Which bound refused it.
  package let reason: Reason
  /// When a login may come again.
  package let until: UnixTime

  init(_ reason: Reason, until: UnixTime) {
    self.reason = reason
    self.until = until
  }
}
