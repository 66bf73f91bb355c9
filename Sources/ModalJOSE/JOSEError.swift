/// Why a token, key or key set was refused. Descriptions never quote the token or key material:
/// they are safe to log and to show.
package enum JOSEError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The compact token is longer than `JSONWebToken.maximumLength`.
  case tooLong(maximum: Int)
  /// The compact token is not three base64url segments.
  case malformed(String)
  /// A header, claim set or key is not valid JSON (or not an object).
  case invalidJSON(String)
  /// The header says `alg: none`: an unsigned token.
  case unsecuredAlgorithm
  /// The header names an HMAC algorithm (`HS256`, ...), refused so a public key can never serve as
  /// a shared secret.
  case symmetricAlgorithm
  /// The header names an algorithm other than RS256, ES256 and EdDSA (quoted, shortened).
  case unsupportedAlgorithm(String)
  /// A registered claim has the wrong type (`exp` not a number, `aud` not strings, ...).
  case invalidClaim(String)
  /// The token has no `exp` claim though one is required.
  case missingExpiry
  /// `exp` has passed (beyond the leeway).
  case expired
  /// `nbf` is still in the future (beyond the leeway).
  case notYetValid
  /// `iat` is in the future (beyond the leeway).
  case issuedInFuture
  /// A JSON Web Key or PEM key cannot be used: what is wrong with it.
  case invalidKey(String)
  /// A key set could not be read.
  case invalidKeySet(String)
  /// libcrypto (OpenSSL 3) could not be loaded.
  case cryptoUnavailable
  /// libcrypto failed to generate a key or sign.
  case signingFailed(String)

  /// What went wrong and what to do about it, without any token or key material.
  package var description: String {
    switch self {
    case .tooLong(let maximum): "The token is longer than \(maximum) bytes; a JSON Web Token this large is refused."
    case .malformed(let what): "The token is not a compact JSON Web Token: \(what)."
    case .invalidJSON(let what): "The JSON is invalid: \(what)."
    case .unsecuredAlgorithm: "The token is unsigned (alg \"none\"); only signed tokens (RS256, ES256, EdDSA) are accepted."
    case .symmetricAlgorithm:
      "The token is signed with a shared secret (HS*); only public-key signatures (RS256, ES256, EdDSA) are accepted."
    case .unsupportedAlgorithm(let name):
      "The token's algorithm \"\(name)\" is not supported; use RS256, ES256 or EdDSA."
    case .invalidClaim(let name): "The token's \"\(name)\" claim has the wrong type."
    case .missingExpiry: "The token has no expiry (exp claim); issue tokens that expire."
    case .expired: "The token has expired; get a new one."
    case .notYetValid: "The token is not valid yet (nbf in the future); check the clocks of issuer and server."
    case .issuedInFuture: "The token was issued in the future (iat); check the clocks of issuer and server."
    case .invalidKey(let what): "The key cannot be used: \(what)."
    case .invalidKeySet(let what): "The key set cannot be read: \(what)."
    case .cryptoUnavailable: "OpenSSL's libcrypto 3 could not be loaded; install it (Debian: libssl3, macOS: brew install openssl@3)."
    case .signingFailed(let what): "libcrypto could not \(what)."
    }
  }

  /// An attacker-chosen name made safe to quote: printable ASCII, at most 16 characters.
  static func quoted(_ name: String) -> String {
    String(String.UnicodeScalarView(name.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0 != "\"" }.prefix(16)))
  }
}
