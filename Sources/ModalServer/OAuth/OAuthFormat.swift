/// The shape of OAuth client ids, client secrets and refresh tokens: `oc-` + 22 base62 (public, as
/// Modal's client ids), `ov-` + 30 base62 (the client secret, as Modal's, ≈178 bits) and `or-` + the
/// 22 characters of its grant's id + 30 random base62 (the refresh token). Secrets and refresh tokens
/// are shown once and stored only as keyed hashes; the grant id inside a refresh token is its
/// lookup key, as a token id is an API token's.
package enum OAuthFormat {
  /// The client id prefix.
  package static let clientIDPrefix = RecordKinds.OAuthApp.prefix
  /// The client secret prefix.
  package static let clientSecretPrefix = "ov-"
  /// The refresh token prefix.
  package static let refreshTokenPrefix = "or-"
  /// Random characters of an id.
  static let idLength = 22
  /// Random characters of a client secret, and of a refresh token after its grant id.
  static let secretLength = 30

  /// A new random client secret.
  package static func newClientSecret() -> String { clientSecretPrefix + RandomText.base62(count: secretLength) }

  /// A new refresh token for the grant `id`.
  package static func newRefreshToken(for id: OAuthGrantID) -> String {
    refreshTokenPrefix + id.rawValue.dropFirst(RecordKinds.OAuthGrant.prefix.count) + RandomText.base62(count: secretLength)
  }

  /// The grant a well-formed refresh token belongs to; `nil` for anything else.
  package static func grantID(of refreshToken: String) -> OAuthGrantID? {
    guard RandomText.hasShape(refreshToken, prefix: refreshTokenPrefix, length: idLength + secretLength) else { return nil }
    let body = refreshToken.dropFirst(refreshTokenPrefix.count).prefix(idLength)
    return OAuthGrantID(rawValue: RecordKinds.OAuthGrant.prefix + body)
  }

  /// The authorization code prefix (the code's id prefix).
  package static let codePrefix = RecordKinds.OAuthCode.prefix

  /// A new authorization code for the code record `id`: its id and 30 random base62.
  package static func newCode(for id: OAuthCodeID) -> String { id.rawValue + RandomText.base62(count: secretLength) }

  /// The code record a well-formed authorization code belongs to; `nil` for anything else.
  package static func codeID(of code: String) -> OAuthCodeID? {
    guard RandomText.hasShape(code, prefix: codePrefix, length: idLength + secretLength) else { return nil }
    return OAuthCodeID(rawValue: String(code.prefix(codePrefix.count + idLength)))
  }

  /// Whether `id` has the shape of a grant id (what request logs name for an OAuth call).
  package static func isWellFormedGrantID(_ id: String) -> Bool {
    RandomText.hasShape(id, prefix: RecordKinds.OAuthGrant.prefix, length: idLength)
  }

  /// Whether `id` has the shape of a client id.
  package static func isWellFormedClientID(_ id: String) -> Bool { RandomText.hasShape(id, prefix: clientIDPrefix, length: idLength) }
}
