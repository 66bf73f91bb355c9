/// The times a token claims, as `JWTTimeCheck` reads them.
package protocol JWTTimes {
  /// `exp`, seconds since 1970.
  var expiresAt: Int? { get }
  /// `nbf`, seconds since 1970.
  var notBefore: Int? { get }
  /// `iat`, seconds since 1970.
  var issuedAt: Int? { get }
}

extension JWTClaims: JWTTimes {}

/// Checks a token's times (`exp`, `nbf`, `iat`) against a clock, with leeway for clock skew.
package struct JWTTimeCheck: Sendable {
  /// Whether a token without `exp` is refused (the default: a token that never expires is a
  /// credential that never expires).
  package var requiresExpiry: Bool

  /// A check; `requiresExpiry` defaults to true.
  package init(requiresExpiry: Bool = true) { self.requiresExpiry = requiresExpiry }

  /// Throws when the token has expired, is not valid yet, was issued in the future, or (when
  /// required) has no `exp`. `now` is seconds since 1970; `leeway` seconds are allowed each way.
  package func check(_ claims: some JWTTimes, now: Int, leeway: Int = 60) throws(JOSEError) {
    if let expiresAt = claims.expiresAt {
      guard now < expiresAt.addingClamped(leeway) else { throw .expired }
    } else if requiresExpiry {
      throw .missingExpiry
    }
    if let notBefore = claims.notBefore, now.addingClamped(leeway) < notBefore { throw .notYetValid }
    if let issuedAt = claims.issuedAt, now.addingClamped(leeway) < issuedAt { throw .issuedInFuture }
  }
}

extension Int {
  /// `self + other`, saturating instead of trapping (claims are attacker-chosen).
  fileprivate func addingClamped(_ other: Int) -> Int {
    let (sum, overflow) = addingReportingOverflow(other)
    return overflow ? (other > 0 ? .max : .min) : sum
  }
}
