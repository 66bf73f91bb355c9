import ProtoWire
import Testing

@Suite struct MalformedInputTests {
  /// Byte strings that are not valid encodings of `Scalars`, with the error each must produce.
  static let cases: [(String, ProtoWireError.Code)] = [
    ("28", .truncated),  // tag without its value
    ("80", .truncated),  // tag varint cut short
    ("28 ff ff", .truncated),  // value varint cut short
    ("28 ff ff ff ff ff ff ff ff ff ff 01", .malformedVarint),  // 11-byte varint
    ("00", .invalidFieldNumber),  // field 0
    ("07 00", .invalidWireType),  // wire type 7 (checked before the field number)
    ("0e", .invalidWireType),  // wire type 6
    ("0f", .invalidWireType),  // wire type 7
    ("4a 05 61", .truncated),  // string longer than the input
    ("4a ff ff ff ff 0f", .invalidLength),  // length above 2 GiB
    ("4a 02 c3 28", .invalidUTF8),  // bad continuation byte
    ("4a 03 ed a0 80", .invalidUTF8),  // UTF-16 surrogate
    ("4a 02 c0 80", .invalidUTF8),  // overlong encoding
    ("4a 04 f4 90 80 80", .invalidUTF8),  // above U+10FFFF
    ("4a 01 ff", .invalidUTF8),  // never valid in UTF-8
    ("3d 00 00", .truncated),  // fixed32 cut short
    ("09 00 00 00", .truncated),  // fixed64 cut short
    ("48 01", .wrongWireType),  // string field 9 sent as a varint
    ("0d 00 00 00 00", .wrongWireType),  // double field 1 sent as fixed32
    ("a4 06", .unmatchedGroup),  // end group without start
    ("a3 06 08 01", .unmatchedGroup),  // group never ends
    ("a3 06 ac 06", .unmatchedGroup),  // group closed by another field's end
    // End-group bytes inside a length-delimited field are data; the bare one after them is not.
    ("a2 06 02 a4 06 a4 06", .unmatchedGroup),
  ]

  @Test(arguments: cases)
  func malformedInputIsAnError(input: String, code: ProtoWireError.Code) {
    let bytes = hex(input)
    let error = decodingError(Scalars.self, bytes)
    #expect(error?.code == code, "\(input): \(String(describing: error))")
  }

  @Test func messagesNameTheProblemAndTheOffset() {
    let prefix = Scalars(fString: String(repeating: "a", count: 15)).serializedBytes()
    #expect(prefix.count == 17)
    let truncated = decodingError(Scalars.self, prefix + [0x80])
    #expect(truncated?.message == "truncated varint at byte 17")
    #expect(truncated?.offset == 17)
    let wrongType = decodingError(Scalars.self, hex("4d 00 00 00 00"))
    #expect(wrongType?.message == "field 9 has wire type 5 but expects 2 (tag at byte 0)")
    #expect(wrongType.map { "\($0)" } == "wrongWireType: field 9 has wire type 5 but expects 2 (tag at byte 0)")
    #expect(decodingError(Scalars.self, hex("4a 02 61 ff"))?.offset == 3)
    #expect(!(wrongType?.remedy.isEmpty ?? true))
  }

  @Test func errorsInsideNestedMessagesAndPackedFields() {
    #expect(decodingError(Tree.self, hex("12 05 08 01"))?.code == .truncated)
    #expect(decodingError(Tree.self, hex("12 02 12 05 08 01 08 01 08"))?.code == .truncated)
    #expect(decodingError(Repeateds.self, hex("0a 01 ac"))?.code == .truncated)
    #expect(decodingError(Repeateds.self, hex("1a 03 01 00 00"))?.code == .truncated)
    #expect(decodingError(Maps.self, hex("0a 02 08 01"))?.code == .wrongWireType)
    #expect(decodingError(Repeateds.self, hex("3a 01 ff"))?.code == .invalidUTF8)
  }

  @Test func depthLimit() throws {
    var tree = Tree(value: 1)
    for level in 0..<150 { tree = Tree(value: Int32(level), left: tree) }
    let bytes = tree.serializedBytes()
    #expect(decodingError(Tree.self, bytes)?.code == .depthLimitExceeded)
    #expect(try Tree(serializedBytes: bytes, options: ProtoDecodingOptions(maxDepth: 200)) == tree)
    var shallow = Tree()
    for _ in 0..<100 { shallow = Tree(left: shallow) }
    #expect(decodingError(Tree.self, shallow.serializedBytes()) == nil)
  }

  @Test func deeplyNestedUnknownGroupsHitTheDepthLimit() {
    let open = Array(Array(repeating: hex("a3 06"), count: 5000).joined())
    #expect(decodingError(Scalars.self, open)?.code == .depthLimitExceeded)
  }

  @Test func sizeLimit() {
    let bytes = Scalars(fString: "hello").serializedBytes()
    let error = decodingError(Scalars.self, bytes, options: ProtoDecodingOptions(maxSize: 4))
    #expect(error?.code == .sizeLimitExceeded)
  }

  @Test func randomBytesNeverCrash() {
    var generator = SplitMix64(seed: 20_260_124)
    var failures = 0
    for _ in 0..<3000 {
      let count = Int(generator.next() % 40)
      let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      for type in [Scalars.self, Repeateds.self, Maps.self, Choice.self, Tree.self, WellKnown.self]
        as [any ProtoMessage.Type]
      {
        if decodeAny(type, bytes) == nil { failures += 1 }
      }
    }
    #expect(failures > 0)
  }

  private func decodeAny<Message: ProtoMessage>(_ type: Message.Type, _ bytes: [UInt8]) -> Message? {
    try? Message(serializedBytes: bytes)
  }
}

/// A small seeded random number generator (SplitMix64), so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
