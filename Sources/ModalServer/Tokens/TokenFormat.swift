/// The shape of token ids and secrets: `ak-` + 22 base62 (≈131 bits, public) and `as-` + 24 base62
/// (≈143 bits, shown once, stored only as a keyed hash).
package enum TokenFormat {
  /// The id prefix.
  package static let idPrefix = "ak-"
  /// The secret prefix.
  package static let secretPrefix = "as-"
  /// Random characters after the id prefix.
  package static let idLength = 22
  /// Random characters after the secret prefix.
  package static let secretLength = 24

  /// A new random token id.
  package static func newID() -> String { idPrefix + RandomText.base62(count: idLength) }

  /// A new random token secret.
  package static func newSecret() -> String { secretPrefix + RandomText.base62(count: secretLength) }

  /// Whether `id` has the shape of a token id.
  package static func isWellFormedID(_ id: String) -> Bool {
    id.utf8.count == idPrefix.utf8.count + idLength && id.hasPrefix(idPrefix) && RandomText.isBase62(id.dropFirst(3))
  }

  /// Whether `secret` has the shape of a token secret.
  package static func isWellFormedSecret(_ secret: String) -> Bool {
    secret.utf8.count == secretPrefix.utf8.count + secretLength && secret.hasPrefix(secretPrefix)
      && RandomText.isBase62(secret.dropFirst(3))
  }

  /// The secret masked for display: `as-****` and its last 4 characters.
  package static func mask(hint: String) -> String { secretPrefix + "****" + hint }

  /// The last 4 characters of a secret (the hint stored beside its hash).
  package static func hint(of secret: String) -> String { String(secret.suffix(4)) }
}
