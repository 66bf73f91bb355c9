/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 6 digits, 30-second
/// steps, one step of clock skew either way. The HMAC comes from libcrypto.
package enum TOTP {
  /// Seconds per step.
  package static let step: Int64 = 30
  /// Digits per code.
  package static let digits = 6
  /// Steps accepted before and after the current one (clock skew between phone and server).
  package static let skew: Int64 = 1
  /// Bytes of a new secret (160 bits, RFC 4226's recommendation).
  package static let secretLength = 20

  /// The time step of `time` (seconds since the epoch).
  package static func counter(at seconds: Int64) -> Int64 { seconds / step }

  /// The code for `counter` (HOTP, RFC 4226 §5.3), `digits` long, left-padded with zeros.
  package static func code(secret: [UInt8], counter: Int64, digits: Int = digits) -> String {
    let message = (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(bitPattern: counter) >> ($0 * 8)) }
    let mac = LibCrypto.hmacSHA1(key: secret, message: message)
    let offset = Int(mac[mac.count - 1] & 0x0F)
    let binary =
      (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
      | UInt32(mac[offset + 3])
    var modulus: UInt32 = 1
    for _ in 0..<digits { modulus *= 10 }
    let text = String(binary % modulus)
    return String(repeating: "0", count: digits - text.count) + text
  }

  /// The step whose code is `code` within the skew window around `seconds`, latest first, or `nil`.
  /// Compares every candidate in constant time, so timing does not tell which step matched.
  package static func matchingCounter(_ code: String, secret: [UInt8], at seconds: Int64) -> Int64? {
    let given = Array(code.utf8)
    guard given.count == digits, given.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
    let now = counter(at: seconds)
    var found: Int64?
    for candidate in stride(from: now + skew, through: now - skew, by: -1) where candidate >= 0 {
      let expected = Array(Self.code(secret: secret, counter: candidate).utf8)
      if Sodium.constantTimeEqual(expected, given) && found == nil { found = candidate }
    }
    return found
  }

  /// The `otpauth://` URI authenticator apps read (usually from a QR code).
  package static func provisioningURI(secret: [UInt8], account: String, issuer: String) -> String {
    // Percent-encode all but RFC 3986's unreserved characters (an email's `@` included).
    func encode(_ text: String) -> String {
      text.utf8.map { byte in
        let unreserved =
          (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
          || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
        return unreserved ? String(UnicodeScalar(byte)) : "%" + Hex.encode([byte]).uppercased()
      }.joined()
    }
    let label = encode(issuer) + ":" + encode(account)
    return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(encode(issuer))"
      + "&algorithm=SHA1&digits=\(digits)&period=\(step)"
  }
}

/// RFC 4648 base32 (upper case, no padding), the form authenticator apps take secrets in.
package enum Base32 {
  static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

  /// `bytes` in base32 without `=` padding.
  package static func encode(_ bytes: [UInt8]) -> String {
    var output: [UInt8] = []
    var buffer: UInt32 = 0
    var bits = 0
    for byte in bytes {
      buffer = (buffer << 8) | UInt32(byte)
      bits += 8
      while bits >= 5 {
        output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
        bits -= 5
      }
    }
    if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
    return String(decoding: output, as: UTF8.self)
  }
}
