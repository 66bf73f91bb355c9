internal import CCryptoLoader

/// An OpenSSL key (`EVP_PKEY`) owned for the length of one operation, freed when it goes out of
/// scope. Keys are kept as bytes in the Sendable value types and turned into one of these only
/// while signing or verifying.
struct CryptoKey: ~Copyable {
  private let pointer: OpaquePointer

  /// Takes ownership of `pointer`, or returns `nil` when it is NULL.
  init?(taking pointer: OpaquePointer?) {
    guard let pointer else { return nil }
    self.pointer = pointer
  }

  deinit { jose_key_free(pointer) }

  /// Whether libcrypto is loaded and has every function ModalJOSE uses.
  static var isAvailable: Bool { jose_crypto_is_available() != 0 }

  /// An RSA public key from big-endian modulus and exponent.
  static func rsa(modulus: [UInt8], exponent: [UInt8]) -> CryptoKey? {
    CryptoKey(taking: jose_key_rsa_public(modulus, modulus.count, exponent, exponent.count))
  }

  /// A P-256 public key from its coordinates (32 bytes each); `nil` when not on the curve.
  static func p256(x: [UInt8], y: [UInt8]) -> CryptoKey? {
    let point = [0x04] + x + y
    return CryptoKey(taking: jose_key_p256_public(point, point.count))
  }

  /// An Ed25519 public key from its 32 bytes.
  static func ed25519(x: [UInt8]) -> CryptoKey? { CryptoKey(taking: jose_key_ed25519_public(x, x.count)) }

  /// A key from PEM text: private (PKCS#8 or PKCS#1, unencrypted) or a SubjectPublicKeyInfo.
  static func pem(_ text: String, isPrivate: Bool) -> CryptoKey? {
    let bytes = Array(text.utf8)
    return CryptoKey(
      taking: bytes.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { jose_key_from_pem($0.baseAddress, $0.count, isPrivate ? 1 : 0) }
      })
  }

  /// A new key of `kind` (RSA 2048 bits, P-256, Ed25519).
  static func generate(_ kind: JSONWebKey.Kind) -> CryptoKey? {
    CryptoKey(taking: jose_key_generate(kind.code))
  }

  /// The key's kind, or `nil` for a type or curve ModalJOSE does not handle.
  var kind: JSONWebKey.Kind? { JSONWebKey.Kind(code: jose_key_kind(pointer)) }

  /// The key's size in bits.
  var bits: Int { Int(jose_key_bits(pointer)) }

  /// A public component (`JOSE_RSA_N`, ...), big-endian; `nil` when the key has none.
  func component(_ which: Int32) -> [UInt8]? {
    var buffer = [UInt8](repeating: 0, count: 2048)
    let length = jose_key_component(pointer, which, &buffer, buffer.count)
    return length > 0 ? Array(buffer[..<length]) : nil
  }

  /// The private key as PKCS#8 PEM text, or `nil` on failure.
  var privateKeyPEM: String? {
    var buffer = [UInt8](repeating: 0, count: 16384)
    let length = buffer.withUnsafeMutableBufferPointer { bytes in
      bytes.withMemoryRebound(to: CChar.self) { jose_key_private_pem(pointer, $0.baseAddress, $0.count) }
    }
    defer { for index in buffer.indices { buffer[index] = 0 } }
    return length > 0 ? String(decoding: buffer[..<length], as: UTF8.self) : nil
  }

  /// The signature of `message` (ECDSA as r || s), or `nil` on failure.
  func sign(_ message: [UInt8]) -> [UInt8]? {
    var buffer = [UInt8](repeating: 0, count: 1100)
    let length = jose_sign(pointer, message, message.count, &buffer, buffer.count)
    return length > 0 ? Array(buffer[..<length]) : nil
  }

  /// Whether `signature` over `message` is valid for this key.
  func verify(_ signature: [UInt8], over message: [UInt8]) -> Bool {
    jose_verify(pointer, signature, signature.count, message, message.count) == 1
  }

  /// `verify(_:over:)` over bytes the caller holds.
  func verify(_ signature: UnsafeBufferPointer<UInt8>, over message: UnsafeBufferPointer<UInt8>) -> Bool {
    jose_verify(pointer, signature.baseAddress, signature.count, message.baseAddress, message.count) == 1
  }
}

extension CryptoKey {
  /// An RS256 verifier for this key (an RSA key), or `nil` when libcrypto refuses to make one.
  func rs256Verifier() -> RS256Verifier? { RS256Verifier(taking: jose_rs256_verifier_new(pointer)) }
}

/// An RSA key's RS256 verifier (`jose_rs256_verifier`), set up once: a check hashes with a
/// SHA-256 fetched once and verifies on a context set up once and kept for the next check, so it
/// allocates nothing of its own once warm.
///
/// `@unchecked Sendable`: the verifier lends each concurrent check its own context, under its
/// own lock.
final class RS256Verifier: @unchecked Sendable {
  private let verifier: UnsafeMutablePointer<jose_rs256_verifier>

  init?(taking verifier: UnsafeMutablePointer<jose_rs256_verifier>?) {
    guard let verifier else { return nil }
    self.verifier = verifier
  }

  deinit { jose_rs256_verifier_free(verifier) }

  /// Whether `signature` is the RS256 signature of `message`.
  func verify(_ signature: UnsafeBufferPointer<UInt8>, over message: UnsafeBufferPointer<UInt8>) -> Bool {
    jose_rs256_verify(verifier, signature.baseAddress, signature.count, message.baseAddress, message.count) == 1
  }
}

extension JSONWebKey.Kind {
  /// The shim's code for the kind (`JOSE_KEY_RSA`, ...).
  var code: Int32 {
    switch self {
    case .rsa: Int32(JOSE_KEY_RSA)
    case .p256: Int32(JOSE_KEY_P256)
    case .ed25519: Int32(JOSE_KEY_ED25519)
    }
  }

  /// The kind of a shim code, `nil` for `JOSE_KEY_OTHER`.
  init?(code: Int32) {
    guard let kind = Self.allCases.first(where: { $0.code == code }) else { return nil }
    self = kind
  }
}

/// The shim's component codes, named for Swift.
enum KeyComponent {
  static let rsaModulus = Int32(JOSE_RSA_N)
  static let rsaExponent = Int32(JOSE_RSA_E)
  static let ecX = Int32(JOSE_EC_X)
  static let ecY = Int32(JOSE_EC_Y)
  static let okpX = Int32(JOSE_OKP_X)
}
