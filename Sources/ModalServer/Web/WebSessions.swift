/// The dashboard's cookies and CSRF tokens (the sessions themselves are `SessionService`'s).
///
/// The CSRF token of a session is an HMAC of its id under the server's hashing key (synchronizer
/// token: tied to the session, secret, never stored). Before sign-in, a pre-session cookie plays
/// the same role for the login and sign-up forms.
package struct WebSessions: Sendable {
  let dependencies: Dependencies

  /// The session cookie's name.
  package static let cookieName = "modal_session"
  /// The pre-session cookie's name (login CSRF).
  package static let preSessionCookieName = "modal_presession"

  /// Creates the CSRF checker.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// A new pre-session id (`mp-` + 32 base62); never stored.
  static func newPreSessionID() -> String { "mp-" + RandomText.base62(count: 32) }

  /// The CSRF token for a session or pre-session id.
  func csrfToken(for id: String) -> String {
    Hex.encode(Sodium.hmacSHA256(key: dependencies.keys.current.hashing, message: Array(("csrf:" + id).utf8)))
  }

  /// Whether `token` is the CSRF token of `id` (constant-time).
  func checkCSRF(_ token: String?, for id: String) -> Bool {
    guard let token, token.utf8.count == 64, let given = Hex.decode(token) else { return false }
    return Sodium.constantTimeEqual(given, Hex.decode(csrfToken(for: id)) ?? [])
  }
}
