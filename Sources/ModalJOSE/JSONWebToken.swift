/// A signed JSON Web Token in compact form (RFC 7519 over RFC 7515), parsed but not yet trusted:
/// check `isSigned(by:)` with the issuer's key, then the claims (`JWTTimeCheck`, issuer, audience).
package struct JSONWebToken: Sendable {
  /// The longest compact token accepted, in bytes.
  package static let maximumLength = 16384

  /// The signature algorithm the header names.
  package let algorithm: JWSAlgorithm
  /// `kid` from the header.
  package let keyID: String?
  /// The protected header.
  package let header: [String: JSONValue]
  /// The claim set.
  package let claims: JWTClaims
  /// The bytes the signature covers: `header.payload` as sent.
  private let signingInput: [UInt8]
  /// The decoded signature.
  private let signature: [UInt8]

  /// Parses a compact token. Refuses, each with its own error: more than `maximumLength` bytes,
  /// not three base64url segments, header or claims not JSON objects, `alg` `none` or `HS*`, and
  /// algorithms other than RS256, ES256 and EdDSA.
  package init(compact: String) throws(JOSEError) {
    let bytes = Array(compact.utf8)
    guard bytes.count <= Self.maximumLength else { throw .tooLong(maximum: Self.maximumLength) }
    let segments = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    guard segments.count == 3 else { throw .malformed("it has \(segments.count) segments, not 3") }
    let names = ["header", "payload", "signature"]
    var decoded: [[UInt8]] = []
    for (segment, name) in zip(segments, names) {
      guard let value = Base64URL.decode(bytes: segment) else {
        throw .malformed("the \(name) is not base64url")
      }
      decoded.append(value)
    }
    header = try Self.object(decoded[0], name: "header")
    algorithm = try JWSAlgorithm(headerValue: header["alg"])
    if header["crit"] != nil { throw .malformed("the header has \"crit\" extensions, which are not supported") }
    keyID = header["kid"]?.string
    claims = try JWTClaims(try Self.object(decoded[1], name: "payload"))
    signingInput = Array(bytes[..<(segments[0].count + 1 + segments[1].count)])
    signature = decoded[2]
  }

  /// Whether `key` signed the token: its kind fits the algorithm (RSA for RS256, P-256 for ES256,
  /// Ed25519 for EdDSA), its `alg`, if set, is the token's, and the signature verifies.
  package func isSigned(by key: JSONWebKey) -> Bool {
    key.verifies(signature, over: signingInput, algorithm: algorithm)
  }

  /// Whether `key` signed the token, as `isSigned(by:)` with a `JSONWebKey`, with the key already
  /// in libcrypto's form.
  package func isSigned(by key: VerificationKey) -> Bool {
    key.verifies(signature, over: signingInput, algorithm: algorithm)
  }

  private static func object(_ bytes: [UInt8], name: String) throws(JOSEError) -> [String: JSONValue] {
    let value: JSONValue
    do {
      value = try JSONValue(parsing: bytes)
    } catch {
      if case .invalidJSON(let reason) = error { throw .invalidJSON("the \(name): \(reason)") }
      throw error
    }
    guard let members = value.object else { throw .invalidJSON("the \(name) is not a JSON object") }
    return members
  }
}
