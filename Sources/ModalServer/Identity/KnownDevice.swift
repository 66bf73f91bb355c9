/// The known-device cookie: set at a successful sign-in, it lets later sign-ins to the same
/// account from that browser skip the account-wide slow-down and go first in the password queue.
///
/// The value is a random nonce and a keyed hash of the account and the nonce, so any replica
/// with the same key file checks it without the store, and it is worth nothing for other accounts.
package struct KnownDevice: Sendable {
  /// The cookie's name.
  package static let cookieName = "modal_device"
  /// How long the cookie lasts, in seconds (a year).
  package static let lifetime = 365 * 86_400

  private let hasher: SecretHasher

  /// A known-device checker over the server keys.
  package init(keys: ServerKeys) { hasher = SecretHasher(keys: keys) }

  /// A new cookie value for `account` (its login key).
  package func cookie(account: String) -> String {
    let nonce = RandomText.base62(count: 22)
    return nonce + "." + mac(account: account, nonce: nonce)
  }

  /// Whether `cookie` was made for `account` with this server's keys.
  package func matches(_ cookie: String?, account: String) -> Bool {
    guard let cookie, cookie.count < 200 else { return false }
    let parts = cookie.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty else { return false }
    let expected = Array(mac(account: account, nonce: String(parts[0])).utf8)
    return Sodium.constantTimeEqual(expected, Array(parts[1].utf8))
  }

  private func mac(account: String, nonce: String) -> String { hasher.hash("device:" + account + "\n" + nonce).hash }
}
