import ProtoWire
import Testing

@Suite struct ScalarEncodingTests {
  @Test func negativeInt32IsATenByteVarint() throws {
    let bytes = Scalars(fInt32: -1).serializedBytes()
    #expect(bytes == hex("28 ff ff ff ff ff ff ff ff ff 01"))
    #expect(try Scalars(serializedBytes: bytes).fInt32 == -1)
    #expect(Scalars(fInt32: Int32.min).serializedBytes() == hex("28 80 80 80 80 f8 ff ff ff ff 01"))
  }

  @Test func varintExtremes() throws {
    let message = Scalars(fInt64: Int64.min, fUint64: UInt64.max, fUint32: UInt32.max)
    let bytes = message.serializedBytes()
    #expect(bytes == hex("18 80 80 80 80 80 80 80 80 80 01  20 ff ff ff ff ff ff ff ff ff 01  68 ff ff ff ff 0f"))
    #expect(try Scalars(serializedBytes: bytes) == message)
  }

  @Test func int32KeepsTheLowBitsOfA64BitVarint() throws {
    // A peer may send an int64-sized varint for an int32 field; protobuf truncates to 32 bits.
    #expect(try Scalars(serializedBytes: hex("28 ff ff ff ff 1f")).fInt32 == -1)
  }

  @Test(arguments: [
    (Int32(0), UInt32(0)), (-1, 1), (1, 2), (-2, 3), (Int32.max, UInt32.max - 1), (Int32.min, UInt32.max),
  ])
  func zigzag32(value: Int32, encoded: UInt32) {
    #expect(ZigZag.encode32(value) == encoded)
    #expect(ZigZag.decode32(encoded) == value)
  }

  @Test(arguments: [
    (Int64(0), UInt64(0)), (-1, 1), (1, 2), (Int64.max, UInt64.max - 1), (Int64.min, UInt64.max),
  ])
  func zigzag64(value: Int64, encoded: UInt64) {
    #expect(ZigZag.encode64(value) == encoded)
    #expect(ZigZag.decode64(encoded) == value)
  }

  @Test func sintFieldsUseZigzag() throws {
    #expect(Scalars(fSint32: -1).serializedBytes() == hex("88 01 01"))
    #expect(Scalars(fSint32: Int32.min).serializedBytes() == hex("88 01 ff ff ff ff 0f"))
    #expect(Scalars(fSint64: Int64.min).serializedBytes() == hex("90 01 ff ff ff ff ff ff ff ff ff 01"))
    let message = Scalars(fSint32: Int32.max, fSint64: Int64.max)
    #expect(try Scalars(serializedBytes: message.serializedBytes()) == message)
  }

  @Test func fixedWidthIntegersAreLittleEndian() throws {
    let message = Scalars(fFixed64: 0x0102_0304_0506_0708, fFixed32: 1, fSfixed32: -2, fSfixed64: Int64.min)
    #expect(
      message.serializedBytes()
        == hex("31 08 07 06 05 04 03 02 01  3d 01 00 00 00  7d fe ff ff ff  81 01 00 00 00 00 00 00 00 80"))
    #expect(try Scalars(serializedBytes: message.serializedBytes()) == message)
  }

  @Test func floatsKeepEveryBitPattern() throws {
    let payloadNaN = Float(bitPattern: 0x7fc0_0001)
    let message = Scalars(fDouble: -.infinity, fFloat: payloadNaN)
    let decoded = try Scalars(serializedBytes: message.serializedBytes())
    #expect(decoded.fDouble == -.infinity)
    #expect(decoded.fFloat.bitPattern == 0x7fc0_0001)
    let nan = try Scalars(serializedBytes: Scalars(fDouble: .nan).serializedBytes())
    #expect(nan.fDouble.isNaN)
    #expect(Scalars(fFloat: .infinity).serializedBytes() == hex("15 00 00 80 7f"))
  }

  @Test func negativeZeroIsWrittenPositiveZeroIsNot() {
    #expect(Scalars(fDouble: 0).serializedBytes().isEmpty)
    #expect(Scalars(fDouble: -0.0).serializedBytes() == hex("09 00 00 00 00 00 00 00 80"))
    #expect(Scalars(fFloat: -0.0).serializedBytes() == hex("15 00 00 00 80"))
  }

  @Test func defaultsAreSkippedAndFieldsComeInNumberOrder() {
    #expect(Scalars().serializedBytes().isEmpty)
    let message = Scalars(fDouble: 1, fInt32: 2, fBool: true, fString: "é", fSint64: 3)
    #expect(message.serializedBytes() == hex("09 00 00 00 00 00 00 f0 3f  28 02  40 01  4a 02 c3 a9  90 01 06"))
  }

  @Test func boolAcceptsAnyNonZeroVarint() throws {
    #expect(try Scalars(serializedBytes: hex("40 02")).fBool)
    #expect(try Scalars(serializedBytes: hex("40 80 80 01")).fBool)
  }

  @Test func bytesAndStrings() throws {
    let message = Scalars(fString: "héllo, 世界 🎉", fBytes: [0, 255, 128])
    #expect(try Scalars(serializedBytes: message.serializedBytes()) == message)
  }

  @Test func lastValueOfASingularFieldWins() throws {
    #expect(try Scalars(serializedBytes: hex("28 01 28 02")).fInt32 == 2)
  }

  @Test func unknownEnumValuesArePreserved() throws {
    let decoded = try Scalars(serializedBytes: hex("70 07"))
    #expect(decoded.fEnum == .unrecognized(7))
    #expect(decoded.fEnum.isUnrecognized)
    #expect(decoded.serializedBytes() == hex("70 07"))
    let negative = try Scalars(serializedBytes: Scalars(fEnum: .unrecognized(-3)).serializedBytes())
    #expect(negative.fEnum.rawValue == -3)
  }

  @Test func enumsCompareByNumber() {
    #expect(Color.unrecognized(1) == .red)
    #expect(Color(rawValue: 2) == .green)
    #expect(Color.red.protoName == "COLOR_RED")
    #expect(Color.knownCases == [.unspecified, .red, .green])
    #expect(Set([Color.red, .unrecognized(1)]).count == 1)
  }

  @Test func optionalFieldsHavePresence() throws {
    let zeroes = Optionals(oInt32: 0, oString: "", oDouble: 0, oEnum: .unspecified, oBool: false)
    #expect(zeroes.serializedBytes() == hex("08 00  12 00  19 00 00 00 00 00 00 00 00  20 00  28 00"))
    #expect(try Optionals(serializedBytes: zeroes.serializedBytes()) == zeroes)
    #expect(Optionals().serializedBytes().isEmpty)
    #expect(try Optionals(serializedBytes: []).oInt32 == nil)
  }

  @Test func keywordFieldNames() throws {
    let message = Keywords(default: true, protocol: "p", type: 3, url: "u", tokenID: "t", in: "i")
    #expect(try Keywords(serializedBytes: message.serializedBytes()) == message)
    #expect(message.default)
  }
}
