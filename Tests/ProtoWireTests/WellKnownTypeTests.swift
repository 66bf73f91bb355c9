import ProtoWire
import Testing

@Suite struct WellKnownTypeTests {
  @Test func timestampFromFractionalSeconds() {
    let before = Timestamp(secondsSince1970: -1.5)
    #expect(before.seconds == -2)
    #expect(before.nanos == 500_000_000)
    #expect(Timestamp(secondsSince1970: 1_700_000_000.25).nanos == 250_000_000)
    #expect(Timestamp(seconds: 3, nanos: 5).secondsSince1970 == 3.000000005)
  }

  @Test func timestampEncoding() throws {
    let stamp = Timestamp(seconds: 1_700_000_000, nanos: 1)
    #expect(stamp.serializedBytes() == hex("08 80 e2 cf aa 06 10 01"))
    #expect(try Timestamp(serializedBytes: stamp.serializedBytes()) == stamp)
    #expect(Timestamp().serializedBytes().isEmpty)
  }

  @Test func wrappersDistinguishUnsetFromDefault() throws {
    let set = WellKnown(name: StringValue(""), count: Int32Value(0))
    #expect(set.serializedBytes() == hex("12 00 1a 00"))
    let decoded = try WellKnown(serializedBytes: set.serializedBytes())
    #expect(decoded.name?.value == "")
    #expect(decoded.at == nil)
    #expect(WellKnown(blob: BytesValue([1, 2])).serializedBytes() == hex("2a 04 0a 02 01 02"))
    #expect(StringValue.protoMessageName == "google.protobuf.StringValue")
  }

  @Test func anyPacksAndUnpacks() throws {
    let any = AnyMessage(packing: Timestamp(seconds: 5))
    #expect(any.typeURL == "type.googleapis.com/google.protobuf.Timestamp")
    #expect(any.messageName == "google.protobuf.Timestamp")
    #expect(try any.unpack(Timestamp.self) == Timestamp(seconds: 5))
    #expect(try any.unpack(Empty.self) == nil)
    #expect(try AnyMessage(serializedBytes: any.serializedBytes()) == any)
  }

  @Test func methodDescriptors() {
    let method = MethodDescriptor<Empty, Timestamp>(serviceName: "pkg.Service", methodName: "Now")
    #expect(method.path == "/pkg.Service/Now")
    #expect(method.isUnary)
    #expect(method.erased.path == "/pkg.Service/Now")
    #expect(method.erased.responseType.protoMessageName == "google.protobuf.Timestamp")
    #expect(!MethodDescriptor<Empty, Empty>(serviceName: "s", methodName: "m", serverStreaming: true).isUnary)
  }

  @Test func schemaTableDescribesTheTestMessages() throws {
    let maps = try #require(WireTestSchema.messages.first { $0.fullName == "protowire.test.Maps" })
    let allMaps = maps.fields.allSatisfy { $0.isMap }
    #expect(allMaps)
    let entry = try #require(WireTestSchema.messages.first { $0.fullName == "protowire.test.Maps.MStringEntry" })
    #expect(entry.isMapEntry)
    let optionals = try #require(WireTestSchema.messages.first { $0.fullName == "protowire.test.Optionals" })
    let allOptional = optionals.fields.allSatisfy { $0.isProto3Optional && $0.oneof == nil }
    #expect(allOptional)
    let choice = try #require(WireTestSchema.messages.first { $0.fullName == "protowire.test.Choice" })
    #expect(choice.fields.first?.oneof == "pick")
    #expect(WireTestSchema.messageTypes.count == WireTestSchema.messages.filter { !$0.isMapEntry }.count)
  }
}
