/// A public key kept in libcrypto's form, for a verifier that checks many signatures with one key
/// (the server's OAuth client assertions: one per call). Making an `EVP_PKEY` from a JWK's numbers
/// fetches OpenSSL's key management and, for RSA, sets up Montgomery arithmetic for the modulus on
/// first use; both cost more than the verification itself, so they are done once here instead of
/// per signature as `JSONWebKey.verifies` does.
///
/// `@unchecked Sendable`: the `EVP_PKEY` is never changed after it is made, and OpenSSL allows
/// concurrent verifications with one key (each gets its own `EVP_MD_CTX`, or its own duplicate of
/// the RS256 context; the RSA key's lazily made Montgomery context is set under OpenSSL's own
/// lock).
package final class VerificationKey: @unchecked Sendable {
  /// The key as a JWK.
  package let key: JSONWebKey
  private let crypto: CryptoKey
  /// For an RSA key, its RS256 context made once (`nil` if libcrypto would not make one: then
  /// every check goes through `crypto` as for other keys).
  private let rs256: RS256Verifier?

  /// Makes `key` ready; throws when libcrypto is missing or refuses the key's numbers.
  package init(_ key: JSONWebKey) throws(JOSEError) {
    self.key = key
    crypto = try key.cryptoKey()
    rs256 = key.kind == .rsa ? crypto.rs256Verifier() : nil
  }

  /// Whether `signature` is this key's signature of `message` with `algorithm`, as
  /// `JSONWebKey.verifies` answers it.
  package func verifies(_ signature: [UInt8], over message: [UInt8], algorithm: JWSAlgorithm) -> Bool {
    signature.withUnsafeBufferPointer { signature in
      message.withUnsafeBufferPointer { verifies(signature, over: $0, algorithm: algorithm) }
    }
  }

  /// `verifies(_:over:algorithm:)` over bytes the caller holds, so none are copied.
  package func verifies(
    _ signature: UnsafeBufferPointer<UInt8>, over message: UnsafeBufferPointer<UInt8>, algorithm: JWSAlgorithm
  ) -> Bool {
    guard key.accepts(algorithm) else { return false }
    if algorithm == .rs256, let rs256 { return rs256.verify(signature, over: message) }
    return crypto.verify(signature, over: message)
  }
}
