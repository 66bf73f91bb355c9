import ProtoWire
import Testing

@Suite struct UnknownFieldTests {
  /// One unknown field of every wire type, including a group with a field inside.
  static let unknown = hex(
    "a0 06 96 01  aa 06 02 68 69  b5 06 01 02 03 04  b9 06 01 02 03 04 05 06 07 08  c3 06 08 01 c4 06")

  @Test func everyWireTypeIsKeptAndReEmittedAfterKnownFields() throws {
    let input = Self.unknown + hex("28 07")
    let decoded = try Scalars(serializedBytes: input)
    #expect(decoded.fInt32 == 7)
    #expect(decoded.unknownFields.bytes == Self.unknown)
    #expect(decoded.serializedBytes() == hex("28 07") + Self.unknown)
  }

  @Test func emptyKeepsEverything() throws {
    let decoded = try Empty(serializedBytes: Self.unknown)
    #expect(decoded.serializedBytes() == Self.unknown)
  }

  @Test func nestedUnknownFieldsSurvive() throws {
    let input = hex("4a 05 28 01 a0 06 01")  // Repeateds.r_message[0] = Scalars { f_int32: 1, field 100: 1 }
    let decoded = try Repeateds(serializedBytes: input)
    #expect(decoded.rMessage.first?.unknownFields.bytes == hex("a0 06 01"))
    #expect(decoded.serializedBytes() == input)
  }

  @Test func unknownFieldsTakePartInEquality() throws {
    #expect(try Scalars(serializedBytes: hex("a0 06 01")) != Scalars())
  }

  @Test func mergingAppendsUnknownFields() throws {
    var message = try Scalars(serializedBytes: hex("a0 06 01"))
    try message.merge(serializedBytes: hex("a0 06 02"))
    #expect(message.unknownFields.bytes == hex("a0 06 01 a0 06 02"))
  }
}
