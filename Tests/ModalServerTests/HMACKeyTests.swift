import ModalServer
import Testing

/// `Sodium.HMACKey`, the keyed state the token check copies for every call, against RFC 4231's
/// vectors and against the one-shot HMAC.
@Suite struct HMACKeyTests {
  @Test(arguments: [
    // RFC 4231 test cases 1, 2 and 6 (a key longer than the block is hashed first).
    ([UInt8](repeating: 0x0B, count: 20), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (Array("Jefe".utf8), "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    (
      [UInt8](repeating: 0xAA, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First",
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    ),
  ])
  func matchesRFC4231(key: [UInt8], message: String, expected: String) {
    let hmac = Sodium.HMACKey(key)
    #expect(Hex.encode(hmac.mac(of: Array(message.utf8))) == expected)
    // The keyed state is copied, never changed: a second MAC is the same.
    #expect(Hex.encode(hmac.mac(of: Array(message.utf8))) == expected)
  }

  @Test func agreesWithTheOneShotMACForEveryLength() {
    let key = Sodium.randomBytes(32)
    let hmac = Sodium.HMACKey(key)
    for length in [0, 1, 43, 55, 56, 63, 64, 65, 128, 200] {
      let message = Sodium.randomBytes(length)
      #expect(hmac.mac(of: message) == Sodium.hmacSHA256(key: key, message: message), "length \(length)")
    }
  }
}

/// `Sodium.FingerprintKey`, with which `CallerCache` remembers the token secret a caller was
/// checked with.
@Suite struct FingerprintKeyTests {
  @Test func aFingerprintMatchesItsOwnTextOnly() {
    let key = Sodium.FingerprintKey()
    let secret = "as-" + String(repeating: "a1B2", count: 9)
    #expect(key.fingerprint(of: secret).matches(key.fingerprint(of: secret)))
    let others = [
      "", String(secret.dropLast()), secret + "x", String(secret.dropLast()) + "b", "as-" + String(repeating: "a1B2", count: 8),
    ]
    for other in others {
      #expect(!key.fingerprint(of: other).matches(key.fingerprint(of: secret)), "\(other)")
    }
    // Bytes and text give the same fingerprint, an empty message included.
    let bytes = Array(secret.utf8)
    #expect(bytes.withUnsafeBytes { key.fingerprint(of: $0) }.matches(key.fingerprint(of: secret)))
    #expect(key.fingerprint(of: UnsafeRawBufferPointer(start: nil, count: 0)).matches(key.fingerprint(of: "")))
  }

  @Test func eachKeyGivesOtherFingerprints() {
    let secret = "as-" + String(repeating: "Zz9", count: 12)
    let first = Sodium.FingerprintKey()
    let second = Sodium.FingerprintKey()
    #expect(!first.fingerprint(of: secret).matches(second.fingerprint(of: secret)))
  }
}
