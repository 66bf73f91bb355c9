import Foundation
import ModalAPI
import ProtoWire
import Testing

/// Swift and Python's protobuf with the real modal_proto agree on every message type, both ways.
@Suite struct DifferentialTests {
  static let perType = 12

  /// The generated Swift type of every message, by full protobuf name.
  static let types: [String: any ProtoMessage.Type] = Dictionary(
    uniqueKeysWithValues: ModalAPISchema.messageTypes.map { ($0.protoMessageName, $0) })

  /// Decodes `bytes` as `Message` and encodes it again; also says whether any field was left unknown.
  static func reencode<Message: ProtoMessage>(_ type: Message.Type, _ bytes: [UInt8]) throws -> (
    bytes: [UInt8], allKnown: Bool
  ) {
    let message = try Message(serializedBytes: bytes)
    return (message.serializedBytes(), message.unknownFields.isEmpty)
  }

  /// Decodes with the generated type for `name`.
  static func decode(_ name: String, _ bytes: [UInt8]) throws -> any ProtoMessage {
    guard let type = types[name] else { throw ReferenceError("no Swift type for \(name)") }
    return try type.init(serializedBytes: bytes)
  }

  /// True when both decode, in Swift, to equal values (map entry order does not matter to that).
  static func sameValue(_ name: String, _ first: [UInt8], _ second: [UInt8]) -> Bool {
    guard let a = try? decode(name, first), let b = try? decode(name, second) else { return false }
    return isEqual(a, b)
  }

  static func isEqual<Message: ProtoMessage>(_ first: Message, _ second: any ProtoMessage) -> Bool {
    (second as? Message) == first
  }

  /// True when Swift's and Python's encodings agree.
  ///
  /// Python's upb orders map keys that are prefixes of each other longest first; everything else
  /// must be byte-identical. So bytes must match, or (only for messages with maps) the values must.
  static func agree(_ name: String, swift: [UInt8], python: [UInt8]) -> Bool {
    if swift == python { return true }
    let hasMap = ModalAPISchema.messages.first { $0.fullName == name }?.fields.contains { $0.isMap } ?? false
    return hasMap && swift.count == python.count && sameValue(name, swift, python)
  }

  /// Runs the Python helper once with all `commands` and returns its answer lines.
  static func python(_ commands: [String]) throws -> [Substring] {
    guard let python = Support.venvPython else { throw ReferenceError(Support.missingVenv) }
    let result = try Support.run(
      python, [Support.interopScript, "serve"], input: commands.joined(separator: "\n") + "\n")
    guard result.status == 0 else { throw ReferenceError("the Python helper failed: \(result.stderr)") }
    return result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
  }

  @Test func swiftEncodingsOfRandomMessagesMatchPython() throws {
    var generator = RandomWireMessages(seed: 0x5EED_0001)
    var commands: [String] = []
    var expected: [(name: String, input: [UInt8], swift: [UInt8])] = []
    for message in ModalAPISchema.messages where !message.isMapEntry {
      guard let type = Self.types[message.fullName] else { continue }
      for _ in 0..<Self.perType {
        let input = generator.message(message.fullName)
        let swift = try Self.reencode(type, input).bytes
        #expect(try Self.reencode(type, swift).bytes == swift, "\(message.fullName): Swift's encoding is not stable")
        commands.append("reencode \(message.fullName) \(input.wireHex)")
        commands.append("equal \(message.fullName) \(input.wireHex) \(swift.wireHex)")
        expected.append((message.fullName, input, swift))
      }
    }
    let answers = try Self.python(commands)
    try #require(answers.count == 2 * expected.count, "expected \(2 * expected.count) answers, got \(answers.count)")
    for (index, item) in expected.enumerated() {
      let reencoded = answers[2 * index]
      let python = reencoded.hasPrefix("ok ") ? [UInt8](hexString: reencoded.dropFirst(3)) : nil
      #expect(
        python.map { Self.agree(item.name, swift: item.swift, python: $0) } == true,
        "\(item.name) from \(item.input.hexString): Swift re-encodes \(item.swift.hexString), Python says \(reencoded)")
      #expect(
        answers[2 * index + 1] == "ok true",
        "\(item.name): Python reads Swift's \(item.swift.hexString) as another value")
    }
    #expect(expected.count >= 300)
  }

  @Test func pythonEncodingsOfRandomMessagesDecodeInSwift() throws {
    var commands: [String] = []
    for message in ModalAPISchema.messages where !message.isMapEntry {
      let numbers = message.fields.map { String($0.number) }.joined(separator: ",")
      commands.append("subset \(message.fullName) \(numbers.isEmpty ? "-" : numbers)")
    }
    let subsets = commands.count
    var names: [String] = []
    var seed = 1
    for message in ModalAPISchema.messages where !message.isMapEntry {
      for _ in 0..<Self.perType {
        commands.append("random \(message.fullName) \(seed)")
        names.append(message.fullName)
        seed += 1
      }
    }
    let answers = try Self.python(commands)
    try #require(answers.count == commands.count, "expected \(commands.count) answers, got \(answers.count)")
    #expect(answers.prefix(subsets).allSatisfy { $0 == "ok" })
    var nonEmpty = 0
    for (answer, name) in zip(answers.dropFirst(subsets), names) {
      guard answer.hasPrefix("ok "), let bytes = [UInt8](hexString: answer.dropFirst(3)), let type = Self.types[name]
      else {
        Issue.record("\(name): Python said \(answer)")
        continue
      }
      if !bytes.isEmpty { nonEmpty += 1 }
      let swift = try Self.reencode(type, bytes)
      #expect(
        Self.agree(name, swift: swift.bytes, python: bytes),
        "\(name): Python sent \(bytes.hexString), Swift re-encodes \(swift.bytes.hexString)")
      #expect(swift.allKnown, "\(name): Swift kept fields of \(bytes.hexString) as unknown")
    }
    #expect(nonEmpty > names.count / 2)
  }
}
