import Testing

@testable import ModalServer

/// The WebAuthn CBOR decoder: RFC 8949 Appendix A examples it must read, and what it must refuse.
@Suite struct CBORTests {
  private func decode(_ hex: String) throws -> CBOR {
    try CBORDecoder.decode(try #require(Hex.decode(hex)))
  }

  @Test func decodesTheRFC8949Examples() throws {
    #expect(try decode("00") == .unsigned(0))
    #expect(try decode("1818") == .unsigned(24))
    #expect(try decode("1b000000e8d4a51000") == .unsigned(1_000_000_000_000))
    #expect(try decode("20").integer == -1)
    #expect(try decode("3863").integer == -100)
    #expect(try decode("4401020304") == .bytes([1, 2, 3, 4]))
    #expect(try decode("6449455446") == .text("IETF"))
    #expect(try decode("83010203") == .array([.unsigned(1), .unsigned(2), .unsigned(3)]))
    let map = try decode("a201020304")
    #expect(map[.unsigned(1)] == .unsigned(2) && map[.unsigned(3)] == .unsigned(4))
    #expect(try decode("f4") == .bool(false) && decode("f5") == .bool(true) && decode("f6") == .null)
  }

  /// A COSE EC2 key as authenticators send it: kty 2, alg -7, crv 1, x, y.
  @Test func readsACOSEKeyAndStopsAtItsEnd() throws {
    let x = [UInt8](repeating: 0xAA, count: 32)
    let y = [UInt8](repeating: 0xBB, count: 32)
    let key: [UInt8] = [0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20] + x + [0x22, 0x58, 0x20] + y
    var decoder = CBORDecoder(key + [0xFF, 0xFF])
    let value = try decoder.decodeOne()
    #expect(decoder.offset == key.count)
    #expect(value[.unsigned(1)]?.integer == 2 && value[.unsigned(3)]?.integer == -7)
    #expect(value[.negative(1)] == .bytes(x) && value[.negative(2)] == .bytes(y))
  }

  @Test func refusesWhatWebAuthnNeverSends() throws {
    for hex in [
      // empty, truncated, indefinite lengths, a tag, floats, a reserved length, a length past the
      // end, invalid UTF-8, a repeated map key, trailing bytes, too many items
      "", "18", "5f", "9f", "bf", "c11a514b67b0", "f93c00", "fb3ff199999999999a", "1c", "5affffffff",
      "62c328", "a201020103", "0000", "9a00010000",
    ] {
      #expect(throws: CBORDecoder.Failure.self, "\(hex)") { try CBORDecoder.decode(Hex.decode(hex) ?? [0xFF]) }
    }
    let deep = [UInt8](repeating: 0x81, count: 40) + [0x00]
    #expect(throws: CBORDecoder.Failure.self) { try CBORDecoder.decode(deep) }
  }
}
