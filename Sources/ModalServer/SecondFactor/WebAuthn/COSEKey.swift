/// A credential public key in COSE form (RFC 9053), limited to what the server verifies:
/// ES256 on P-256 and EdDSA on Ed25519.
package enum COSEKey: Sendable, Equatable {
  /// COSE alg -7: ECDSA P-256 with SHA-256; the 32-byte affine coordinates.
  case es256(x: [UInt8], y: [UInt8])
  /// COSE alg -8: EdDSA with Ed25519; the 32-byte public key.
  case edDSA([UInt8])

  /// The COSE algorithm number.
  package var algorithm: Int64 {
    switch self {
    case .es256: -7
    case .edDSA: -8
    }
  }

  /// The key as libcrypto verifies with it.
  package var publicKey: LibCrypto.PublicKey {
    switch self {
    case .es256(let x, let y): .p256(x: x, y: y)
    case .edDSA(let key): .ed25519(key)
    }
  }

  /// The key bytes as `PasskeyRecord.publicKey` keeps them (hex): x then y, or the Ed25519 key.
  package var storedHex: String {
    switch self {
    case .es256(let x, let y): Hex.encode(x + y)
    case .edDSA(let key): Hex.encode(key)
    }
  }

  /// The key a `PasskeyRecord` keeps, or `nil` when the record is damaged.
  package init?(algorithm: Int64, storedHex: String) {
    guard let bytes = Hex.decode(storedHex) else { return nil }
    switch (algorithm, bytes.count) {
    case (-7, 64): self = .es256(x: Array(bytes.prefix(32)), y: Array(bytes.suffix(32)))
    case (-8, 32): self = .edDSA(bytes)
    default: return nil
    }
  }

  // COSE labels: kty 1, alg 3; EC2/OKP crv -1, x -2, y -3 (RFC 9053 §7).
  private static let kty = CBOR.unsigned(1)
  private static let alg = CBOR.unsigned(3)
  private static let crv = CBOR.negative(0)
  private static let xLabel = CBOR.negative(1)
  private static let yLabel = CBOR.negative(2)

  /// Reads a COSE_Key map; refuses other algorithms, curves, key types and sizes.
  package init(cbor: CBOR) throws(WebAuthnRefusal) {
    guard case .map = cbor, let alg = cbor[Self.alg]?.integer else {
      throw .malformed("the credential public key is not a COSE key with an algorithm")
    }
    let kty = cbor[Self.kty]?.integer
    let crv = cbor[Self.crv]?.integer
    switch alg {
    case -7:
      // kty EC2 (2), crv P-256 (1).
      guard kty == 2, crv == 1, case .bytes(let x)? = cbor[Self.xLabel], case .bytes(let y)? = cbor[Self.yLabel],
        x.count == 32, y.count == 32
      else { throw .malformed("an ES256 key that is not a P-256 point") }
      self = .es256(x: x, y: y)
    case -8:
      // kty OKP (1), crv Ed25519 (6).
      guard kty == 1, crv == 6, case .bytes(let key)? = cbor[Self.xLabel], key.count == 32 else {
        throw .malformed("an EdDSA key that is not an Ed25519 key")
      }
      self = .edDSA(key)
    default: throw .unsupportedAlgorithm(alg)
    }
  }

  /// Whether `signature` is this key's signature of `message` (DER ECDSA or 64-byte Ed25519).
  package func verifies(_ signature: [UInt8], of message: [UInt8]) -> Bool {
    LibCrypto.verify(signature, of: message, with: publicKey)
  }
}
