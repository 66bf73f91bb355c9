/// The shape of proxy token ids and secrets, Modal's: `wk-` + 22 base62 (public, the `Modal-Key`)
/// and `ws-` + 30 base62 (≈178 bits, the `Modal-Secret`, shown once, stored only as a keyed hash).
/// They cannot be used as API tokens (`ak-`/`as-`), nor API tokens here.
package enum ProxyTokenFormat {
  /// The id prefix.
  package static let idPrefix = RecordKinds.ProxyToken.prefix
  /// The secret prefix.
  package static let secretPrefix = "ws-"
  /// Random characters after the id prefix.
  package static let idLength = 22
  /// Random characters after the secret prefix.
  package static let secretLength = 30

  /// A new random secret.
  package static func newSecret() -> String { secretPrefix + RandomText.base62(count: secretLength) }

  /// Whether `id` has the shape of a proxy token id.
  package static func isWellFormedID(_ id: String) -> Bool { RandomText.hasShape(id, prefix: idPrefix, length: idLength) }

  /// Whether `secret` has the shape of a proxy token secret.
  package static func isWellFormedSecret(_ secret: String) -> Bool {
    RandomText.hasShape(secret, prefix: secretPrefix, length: secretLength)
  }
}
