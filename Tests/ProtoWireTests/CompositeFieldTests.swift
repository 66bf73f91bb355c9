import ProtoWire
import Testing

@Suite struct RepeatedFieldTests {
  @Test func numericRepeatedFieldsArePacked() throws {
    let message = Repeateds(rInt32: [1, -1, 300])
    #expect(message.serializedBytes() == hex("0a 0d 01 ff ff ff ff ff ff ff ff ff 01 ac 02"))
    #expect(try Repeateds(serializedBytes: message.serializedBytes()) == message)
  }

  @Test func decoderAcceptsUnpackedAndMixedForms() throws {
    #expect(try Repeateds(serializedBytes: hex("08 01 08 ac 02")).rInt32 == [1, 300])
    #expect(try Repeateds(serializedBytes: hex("08 01 0a 02 02 03 08 04")).rInt32 == [1, 2, 3, 4])
    #expect(try Repeateds(serializedBytes: hex("1d 01 00 00 00 1a 04 02 00 00 00")).rFixed32 == [1, 2])
    #expect(try Repeateds(serializedBytes: hex("2a 03 01 00 01 28 01")).rBool == [true, false, true, true])
    #expect(try Repeateds(serializedBytes: hex("32 02 01 09")).rEnum == [.red, .unrecognized(9)])
  }

  @Test func emptyPackedFieldIsNothing() throws {
    #expect(try Repeateds(serializedBytes: hex("0a 00")).rInt32.isEmpty)
    #expect(Repeateds().serializedBytes().isEmpty)
  }

  @Test func stringsBytesAndMessagesAreOneFieldEach() throws {
    let message = Repeateds(rString: ["a", ""], rBytes: [[1], []], rMessage: [Scalars(fInt32: 1), Scalars()])
    #expect(message.serializedBytes() == hex("3a 01 61 3a 00  42 01 01 42 00  4a 02 28 01 4a 00"))
    #expect(try Repeateds(serializedBytes: message.serializedBytes()) == message)
  }

  @Test func everyPackedTypeRoundTrips() throws {
    let message = Repeateds(
      rInt32: [Int32.min, 0, Int32.max], rSint64: [Int64.min, -1, Int64.max], rFixed32: [0, UInt32.max],
      rDouble: [-0.0, .infinity, 1.5], rBool: [true, false], rEnum: [.green, .unrecognized(-1)],
      rFloat: [.leastNonzeroMagnitude, -.infinity], rUint64: [UInt64.max, 0])
    #expect(try Repeateds(serializedBytes: message.serializedBytes()) == message)
  }
}

@Suite struct MapFieldTests {
  @Test func entriesAreWrittenInSortedKeyOrderWithKeyAndValue() {
    let message = Maps(mString: ["b": "2", "a": "1"])
    #expect(message.serializedBytes() == hex("0a 06 0a 01 61 12 01 31  0a 06 0a 01 62 12 01 32"))
    #expect(Maps(mInt: [0: 0]).serializedBytes() == hex("12 04 08 00 10 00"))
    #expect(
      Maps(mBoolEnum: [true: .green, false: .red]).serializedBytes() == hex("1a 04 08 00 10 01 1a 04 08 01 10 02"))
    #expect(
      Maps(mInt: [2: 0, -1: 0, 1: 0]).serializedBytes().prefix(10).elementsEqual(hex("12 0d 08 ff ff ff ff ff ff ff")))
  }

  @Test func stringKeysSortByUTF8Bytes() {
    // "é" (c3 a9) sorts after "z" (7a) by bytes.
    let bytes = Maps(mString: ["é": "", "z": ""]).serializedBytes()
    #expect(bytes == hex("0a 05 0a 01 7a 12 00  0a 06 0a 02 c3 a9 12 00"))
  }

  @Test func missingKeyOrValueTakesTheDefault() throws {
    #expect(try Maps(serializedBytes: hex("0a 03 0a 01 61")).mString == ["a": ""])
    #expect(try Maps(serializedBytes: hex("0a 03 12 01 31")).mString == ["": "1"])
    #expect(try Maps(serializedBytes: hex("0a 00")).mString == ["": ""])
    #expect(try Maps(serializedBytes: hex("22 00")).mMessage == [0: Scalars()])
  }

  @Test func valueBeforeKeyAndUnknownEntryFieldsAreAccepted() throws {
    #expect(try Maps(serializedBytes: hex("0a 06 12 01 31 0a 01 61")).mString == ["a": "1"])
    #expect(try Maps(serializedBytes: hex("0a 08 18 05 0a 01 61 12 01 31")).mString == ["a": "1"])
  }

  @Test func aRepeatedKeyKeepsTheLastValue() throws {
    #expect(try Maps(serializedBytes: hex("0a 06 0a 01 61 12 01 31  0a 06 0a 01 61 12 01 32")).mString == ["a": "2"])
  }

  @Test func messageAndBytesValues() throws {
    let message = Maps(mMessage: [5: Scalars(fInt32: 1)], mSintBytes: [-1: [9]])
    #expect(message.serializedBytes() == hex("22 06 08 05 12 02 28 01  2a 05 08 01 12 01 09"))
    #expect(try Maps(serializedBytes: message.serializedBytes()) == message)
  }
}

@Suite struct OneofTests {
  @Test func setMembersAreWrittenEvenWhenDefault() {
    #expect(Choice(pick: .pInt32(0)).serializedBytes() == hex("10 00"))
    #expect(Choice(pick: .pString("x")).serializedBytes() == hex("0a 01 78"))
    #expect(Choice().serializedBytes().isEmpty)
  }

  @Test func membersInterleaveWithOtherFieldsByNumber() {
    let message = Choice(pick: .pEnum(.red), after: 3, second: .sBool(true))
    #expect(message.serializedBytes() == hex("20 01 28 03 30 01"))
  }

  @Test func theLastMemberWins() throws {
    let decoded = try Choice(serializedBytes: hex("0a 01 78 10 05"))
    #expect(decoded.pick == .pInt32(5))
    #expect(decoded.pString == nil)
    #expect(decoded.pInt32 == 5)
  }

  @Test func aRepeatedMessageMemberMerges() throws {
    let decoded = try Choice(serializedBytes: hex("1a 02 28 01 1a 03 4a 01 7a"))
    #expect(decoded.pMessage == Scalars(fInt32: 1, fString: "z"))
  }

  @Test func recursiveOneofMember() throws {
    let message = Choice(second: .sChoice(Choice(pick: .pString("in"), second: .sBool(false))))
    #expect(try Choice(serializedBytes: message.serializedBytes()) == message)
  }
}

@Suite struct NestedMessageTests {
  @Test func repeatedSingularMessagesMerge() throws {
    let decoded = try Tree(serializedBytes: hex("12 02 08 01  12 04 1a 02 08 02"))
    #expect(decoded.left?.value == 1)
    #expect(decoded.left?.right?.value == 2)
  }

  @Test func recursiveTreesRoundTrip() throws {
    var tree = Tree(value: 1)
    tree.left = Tree(value: 2, right: Tree(value: 3))
    tree.children = [Tree(value: 4), Tree()]
    #expect(try Tree(serializedBytes: tree.serializedBytes()) == tree)
  }

  @Test func presenceOfAnEmptySubmessageIsKept() throws {
    let message = WellKnown(nothing: Empty())
    #expect(message.serializedBytes() == hex("22 00"))
    #expect(try WellKnown(serializedBytes: hex("22 00")).nothing != nil)
  }

  @Test func largeSubmessagesGetMultiByteLengths() throws {
    let message = Repeateds(rMessage: [Scalars(fString: String(repeating: "x", count: 300))])
    let bytes = message.serializedBytes()
    #expect(bytes.prefix(5).elementsEqual(hex("4a af 02 4a ac")))
    #expect(try Repeateds(serializedBytes: bytes) == message)
  }
}
