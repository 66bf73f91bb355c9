/// The signature algorithms ModalJOSE accepts (RFC 7518, RFC 8037). HMAC and `none` are refused by
/// design: every key here is public.
package enum JWSAlgorithm: String, Sendable, CaseIterable {
  /// RSASSA-PKCS1-v1_5 with SHA-256.
  case rs256 = "RS256"
  /// ECDSA on P-256 with SHA-256 (signature as r || s).
  case es256 = "ES256"
  /// Ed25519 (RFC 8037).
  case edDSA = "EdDSA"

  /// The algorithm a header's `alg` names, or the error that says why it is refused.
  package init(headerValue: JSONValue?) throws(JOSEError) {
    guard let name = headerValue?.string else { throw .malformed("the header has no \"alg\" string") }
    if let algorithm = JWSAlgorithm(rawValue: name) {
      self = algorithm
    } else if name.lowercased() == "none" {
      throw .unsecuredAlgorithm
    } else if name.uppercased().hasPrefix("HS") {
      throw .symmetricAlgorithm
    } else {
      throw .unsupportedAlgorithm(JOSEError.quoted(name))
    }
  }

  /// The kind of key that signs with this algorithm.
  var keyKind: JSONWebKey.Kind {
    switch self {
    case .rs256: .rsa
    case .es256: .p256
    case .edDSA: .ed25519
    }
  }
}
