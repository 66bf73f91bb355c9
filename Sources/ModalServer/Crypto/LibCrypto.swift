import CCrypto
import Foundation

/// The OpenSSL libcrypto primitives the second factors need: HMAC-SHA-1 (TOTP), SHA-256, and
/// ECDSA P-256 / Ed25519 signature verification (passkeys). Nothing here implements cryptography;
/// each call goes to libcrypto's EVP APIs.
package enum LibCrypto {
  /// HMAC-SHA-1 of `message` under `key` (20 bytes; RFC 6238's default).
  package static func hmacSHA1(key: [UInt8], message: [UInt8]) -> [UInt8] {
    var mac = [UInt8](repeating: 0, count: 20)
    let written = ccrypto_hmac("SHA1", key, key.count, message, message.count, &mac, mac.count)
    // HMAC-SHA-1 fails only when libcrypto itself is unusable (no default provider).
    precondition(written == 20, "libcrypto could not compute HMAC-SHA-1")
    return mac
  }

  /// SHA-256 of `data` (32 bytes).
  package static func sha256(_ data: [UInt8]) -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: 32)
    precondition(ccrypto_sha256(data, data.count, &digest) == 1, "libcrypto could not compute SHA-256")
    return digest
  }

  /// A public key that verifies signatures.
  package enum PublicKey: Sendable, Equatable {
    /// ECDSA on P-256 with SHA-256 (COSE ES256): the 32-byte x and y coordinates.
    case p256(x: [UInt8], y: [UInt8])
    /// Ed25519 (COSE EdDSA): the 32-byte public key.
    case ed25519([UInt8])

    /// SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (65 bytes) }.
    static let p256Prefix: [UInt8] = [
      0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
      0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ]
    /// SEQUENCE { SEQUENCE { id-Ed25519 }, BIT STRING (32 bytes) }.
    static let ed25519Prefix: [UInt8] = [
      0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ]

    /// The P-256 key of a PEM `PUBLIC KEY` block (SubjectPublicKeyInfo, the form GitHub
    /// publishes its secret-scanning keys in); `nil` for anything else, another curve included.
    package static func p256(pem: String) -> PublicKey? {
      let lines = pem.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      guard let begin = lines.firstIndex(of: "-----BEGIN PUBLIC KEY-----"),
        let end = lines[begin...].firstIndex(of: "-----END PUBLIC KEY-----")
      else { return nil }
      guard let der = Data(base64Encoded: lines[(begin + 1)..<end].joined()).map(Array.init),
        der.count == p256Prefix.count + 65, Array(der.prefix(p256Prefix.count)) == p256Prefix,
        der[p256Prefix.count] == 0x04
      else { return nil }
      let point = der.dropFirst(p256Prefix.count + 1)
      return .p256(x: Array(point.prefix(32)), y: Array(point.suffix(32)))
    }

    /// The key as DER SubjectPublicKeyInfo (the fixed ASN.1 prefix of each algorithm, then the key).
    var subjectPublicKeyInfo: [UInt8]? {
      switch self {
      case .p256(let x, let y):
        guard x.count == 32, y.count == 32 else { return nil }
        return Self.p256Prefix + [0x04] + x + y
      case .ed25519(let key):
        guard key.count == 32 else { return nil }
        return Self.ed25519Prefix + key
      }
    }
  }

  /// Whether `signature` (DER for ECDSA, 64 bytes for Ed25519) is `key`'s signature of `message`.
  package static func verify(_ signature: [UInt8], of message: [UInt8], with key: PublicKey) -> Bool {
    guard let spki = key.subjectPublicKeyInfo, !signature.isEmpty else { return false }
    let hashed: Int32 = if case .p256 = key { 1 } else { 0 }
    return ccrypto_verify(spki, spki.count, hashed, signature, signature.count, message, message.count) == 1
  }
}
