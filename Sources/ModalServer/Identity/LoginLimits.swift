/// Failed dashboard logins, counted so that guessing is bounded without letting anyone lock a
/// chosen account from one machine (OWASP, authentication cheat sheet: lock per account and
/// address, with a larger bound per account alone).
///
/// - Per account and client address: `perAddress` failures in the window lock that pair, which
///   stops one client guessing and leaves the owner, elsewhere, able to log in.
/// - Per account from anywhere: `perAccount` failures lock the account, which bounds guessing
///   spread over many addresses.
///
/// Both live in the store (`AttemptLimiter`), so every replica counts them together.
package struct LoginLimits: Sendable {
  /// Failures per account and address in the window.
  package static let perAddress = 5
  /// Failures per account, from any address, in the window.
  package static let perAccount = 50
  /// The window, in seconds.
  package static let windowSeconds: Int64 = 15 * 60

  private let byAddress: AttemptLimiter
  private let byAccount: AttemptLimiter

  /// Creates the limits over the server's store.
  package init(dependencies: Dependencies) {
    byAddress = AttemptLimiter(limit: Self.perAddress, windowSeconds: Self.windowSeconds, dependencies: dependencies)
    byAccount = AttemptLimiter(limit: Self.perAccount, windowSeconds: Self.windowSeconds, dependencies: dependencies)
  }

  /// Counts a login to `account` from `address` before its password is checked; returns when
  /// logins unlock if either bound is exceeded (then the password must not be checked), else
  /// `nil`. Counting first keeps concurrent guesses within the bounds.
  package func begin(account: String, address: String) async throws(ServerError) -> UnixTime? {
    let pair = try await byAddress.attempt(Self.pairKey(account, address))
    let whole = try await byAccount.attempt(account)
    switch (pair, whole) {
    case (let a?, let b?): return max(a, b)
    case (let a?, nil): return a
    case (nil, let b?): return b
    case (nil, nil): return nil
    }
  }

  /// Forgets the attempts from `address` after a successful login there. (Attempts from other
  /// addresses, and this one, still count toward the account's bound.)
  package func succeeded(account: String, address: String) async throws(ServerError) {
    try await byAddress.reset(Self.pairKey(account, address))
  }

  private static func pairKey(_ account: String, _ address: String) -> String { account + "\n" + address }
}
