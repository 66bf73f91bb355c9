import ModalTokenFormat

/// The shape of token ids and secrets: `ak-` + 22 base62 (≈131 bits, public) and `as-` + 30 random
/// base62 (≈178 bits, shown once, stored only as a keyed hash) + a 6-character checksum that
/// scanners verify offline (``TokenSecretFormat``). Secrets made before checksums (`as-` + 24
/// base62) stay valid.
package enum TokenFormat {
  /// The id prefix.
  package static let idPrefix = "ak-"
  /// The secret prefix.
  package static let secretPrefix = "as-"
  /// Random characters after the id prefix.
  package static let idLength = 22
  /// Random characters after the secret prefix.
  package static let secretRandomLength = TokenSecretFormat.randomLength
  /// Characters after the prefix of a secret made before checksums.
  package static let uncheckedSecretLength = 24
  /// The length in bytes of the longest well-formed secret.
  package static let longestSecret = secretPrefix.utf8.count + max(TokenSecretFormat.bodyLength, uncheckedSecretLength)

  /// A new random token id.
  package static func newID() -> String { idPrefix + RandomText.base62(count: idLength) }

  /// A new random token secret.
  package static func newSecret() -> String {
    TokenSecretFormat.secret(random: RandomText.base62(count: secretRandomLength))
  }

  /// Whether `id` has the shape of a token id.
  package static func isWellFormedID(_ id: String) -> Bool {
    RandomText.hasShape(id, prefix: idPrefix, length: idLength)
  }

  /// Whether `secret` has the shape of a token secret: checksummed with a matching checksum, or
  /// the unchecked shape of secrets made before checksums.
  package static func isWellFormedSecret(_ secret: String) -> Bool {
    switch TokenSecretFormat.inspect(secret) {
    case .checksummed: return true
    case .mistyped: return false
    case .unchecked:
      return RandomText.hasShape(secret, prefix: secretPrefix, length: uncheckedSecretLength)
    }
  }

  /// Why `secret` is not well formed, in words that never quote it.
  package static func secretShapeProblem(_ secret: String) -> String {
    if case .mistyped(let problem) = TokenSecretFormat.inspect(secret) { return problem.description }
    return "token secrets are 'as-' followed by \(TokenSecretFormat.bodyLength) letters and digits "
      + "(\(uncheckedSecretLength) for tokens made before checksums)"
  }

  /// The secret masked for display: `as-****` and its last 4 characters.
  package static func mask(hint: String) -> String { secretPrefix + "****" + hint }

  /// The last 4 characters of a secret (the hint stored beside its hash).
  package static func hint(of secret: String) -> String { String(secret.suffix(4)) }
}
