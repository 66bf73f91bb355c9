import Foundation
import Testing

@testable import ModalServer

/// RFC 6238 time-based codes, and the libcrypto calls under them and under passkeys.
@Suite struct TOTPTests {
  /// RFC 6238 Appendix B's SHA-1 seed: the ASCII of "12345678901234567890".
  static let seed = Array("12345678901234567890".utf8)

  /// RFC 6238 Appendix B, the SHA-1 rows (8 digits): time, then the expected TOTP.
  @Test func rfc6238AppendixBVectors() {
    let vectors: [(Int64, String)] = [
      (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
      (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ]
    for (time, expected) in vectors {
      #expect(TOTP.code(secret: Self.seed, counter: TOTP.counter(at: time), digits: 8) == expected, "T=\(time)")
    }
    // The 6-digit code is the last six of the same truncation.
    #expect(TOTP.code(secret: Self.seed, counter: TOTP.counter(at: 59)) == "287082")
  }

  @Test func acceptsOneStepOfSkewEitherWayAndNoMore() {
    let now: Int64 = 1_111_111_111
    let current = TOTP.counter(at: now)
    for offset: Int64 in [-1, 0, 1] {
      let code = TOTP.code(secret: Self.seed, counter: current + offset)
      #expect(TOTP.matchingCounter(code, secret: Self.seed, at: now) == current + offset)
    }
    for offset: Int64 in [-2, 2] {
      #expect(TOTP.matchingCounter(TOTP.code(secret: Self.seed, counter: current + offset), secret: Self.seed, at: now) == nil)
    }
    #expect(TOTP.matchingCounter("12345", secret: Self.seed, at: now) == nil)
    #expect(TOTP.matchingCounter("12345a", secret: Self.seed, at: now) == nil)
  }

  @Test func base32AndProvisioningURI() {
    #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")  // RFC 4648 §10, without padding
    #expect(Base32.encode(Self.seed) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    let uri = TOTP.provisioningURI(secret: Self.seed, account: "a@b.c", issuer: "modal-server")
    #expect(
      uri == "otpauth://totp/modal-server:a%40b.c?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=modal-server"
        + "&algorithm=SHA1&digits=6&period=30")
  }

  /// RFC 8032 §7.1 TEST 1 (empty message), through libcrypto.
  @Test func ed25519VerificationMatchesRFC8032() throws {
    let key = try #require(
      Hex.decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
    let signature = try #require(
      Hex.decode(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
      ))
    #expect(LibCrypto.verify(signature, of: [], with: .ed25519(key)))
    #expect(!LibCrypto.verify(signature, of: [0], with: .ed25519(key)))
    var altered = signature
    altered[0] ^= 1
    #expect(!LibCrypto.verify(altered, of: [], with: .ed25519(key)))
    #expect(!LibCrypto.verify(signature, of: [], with: .ed25519(Array(key.prefix(31)))))
  }

  @Test func sha256MatchesTheKnownDigest() {
    #expect(Hex.encode(LibCrypto.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }
}
