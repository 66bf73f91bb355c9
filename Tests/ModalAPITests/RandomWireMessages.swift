import ModalAPI
import ProtoWire

/// Generates random wire encodings of messages from a schema table, independently of the generated
/// code: fields in shuffled order, repeated singular fields, several oneof members, map entries with
/// missing or swapped key and value, non-canonical booleans, and unknown fields of every wire type.
struct RandomWireMessages {
  var random: SeededGenerator
  let schemas: [String: ProtoMessageSchema]

  init(seed: UInt64) {
    random = SeededGenerator(seed: seed)
    var schemas: [String: ProtoMessageSchema] = [:]
    for message in ModalAPISchema.messages + Self.wellKnown { schemas[message.fullName] = message }
    self.schemas = schemas
  }

  /// The well-known types api.proto uses, described like the generated schema.
  static let wellKnown: [ProtoMessageSchema] = [
    ProtoMessageSchema(fullName: "google.protobuf.Empty", fields: []),
    ProtoMessageSchema(
      fullName: "google.protobuf.Timestamp",
      fields: [
        ProtoFieldSchema(name: "seconds", swiftName: "seconds", number: 1, type: .int64, label: .optional),
        ProtoFieldSchema(name: "nanos", swiftName: "nanos", number: 2, type: .int32, label: .optional),
      ]),
    ProtoMessageSchema(
      fullName: "google.protobuf.StringValue",
      fields: [ProtoFieldSchema(name: "value", swiftName: "value", number: 1, type: .string, label: .optional)]),
    ProtoMessageSchema(
      fullName: "google.protobuf.Any",
      fields: [
        ProtoFieldSchema(name: "type_url", swiftName: "typeURL", number: 1, type: .string, label: .optional),
        ProtoFieldSchema(name: "value", swiftName: "value", number: 2, type: .bytes, label: .optional),
      ]),
  ]

  static let text = ["", "a", "ak-1", "é", "世界", "🎉", "x y", "\u{0}", "ß\n"]

  /// A random encoding of message `fullName`.
  mutating func message(_ fullName: String, depth: Int = 0) -> [UInt8] {
    guard let schema = schemas[fullName] else { return [] }
    var pieces: [[UInt8]] = []
    for field in schema.fields where chance(0.6) {
      let count = field.label == .repeated ? Int(random.next() % 4) : (chance(0.15) ? 2 : 1)
      for _ in 0..<count { pieces.append(encodeField(field, depth: depth)) }
    }
    if chance(0.2) { pieces.append(unknownField()) }
    if chance(0.3) { pieces.shuffle(using: &random) }
    return Array(pieces.joined())
  }

  private mutating func encodeField(_ field: ProtoFieldSchema, depth: Int) -> [UInt8] {
    var writer = ProtoWriter()
    if field.isMap, let entryName = field.typeName.map({ String($0.dropFirst()) }), let entry = schemas[entryName] {
      var body: [[UInt8]] = []
      for entryField in entry.fields where chance(0.85) { body.append(encodeField(entryField, depth: depth + 1)) }
      if chance(0.3) { body.reverse() }
      writer.writeTag(field: field.number, .lengthDelimited)
      Array(body.joined()).withUnsafeBytes { writer.writeLengthDelimited($0) }
      return writer.bytes
    }
    switch field.type {
    case .message:
      let nested = depth < 3 ? message(String((field.typeName ?? ".").dropFirst()), depth: depth + 1) : []
      writer.writeTag(field: field.number, .lengthDelimited)
      nested.withUnsafeBytes { writer.writeLengthDelimited($0) }
    case .string: writer.write(ProtoString.self, field: field.number, string())
    case .bytes: writer.write(ProtoBytes.self, field: field.number, (0..<random.next() % 5).map { _ in byte() })
    case .bool:
      writer.writeTag(field: field.number, .varint)
      writer.writeVarint(chance(0.2) ? 2 : random.next() % 2)  // 2 is a non-canonical true
    case .enum: writer.write(ProtoInt32.self, field: field.number, pick([0, 1, 2, 3, 5, 99, -5]))
    case .int32:
      writer.write(
        ProtoInt32.self, field: field.number, pick([0, 1, -1, .max, .min, Int32(truncatingIfNeeded: random.next())]))
    case .uint32:
      writer.write(
        ProtoUInt32.self, field: field.number, pick([0, 1, .max, UInt32(truncatingIfNeeded: random.next())]))
    case .int64:
      writer.write(ProtoInt64.self, field: field.number, pick([0, -1, .max, .min, Int64(bitPattern: random.next())]))
    case .float:
      let values: [Float] = [
        0, -0.0, 1.5, .infinity, -.infinity, .leastNonzeroMagnitude,
        Float(bitPattern: UInt32(truncatingIfNeeded: random.next()) & 0x7f7f_ffff),
      ]
      writer.write(ProtoFloat.self, field: field.number, pick(values))
    case .double:
      let values: [Double] = [
        0, -0.0, 1.5, .infinity, .greatestFiniteMagnitude, Double(bitPattern: random.next() & 0x7fef_ffff_ffff_ffff),
      ]
      writer.write(ProtoDouble.self, field: field.number, pick(values))
    default:
      writer.write(ProtoUInt64.self, field: field.number, random.next())
    }
    return writer.bytes
  }

  /// A field numbered above anything modal_proto uses (its largest is below 100).
  private mutating func unknownField() -> [UInt8] {
    var writer = ProtoWriter()
    let number = 1000 + Int(random.next() % 100)
    switch random.next() % 4 {
    case 0: writer.write(ProtoUInt64.self, field: number, random.next())
    case 1: writer.write(ProtoFixed32.self, field: number, UInt32(truncatingIfNeeded: random.next()))
    case 2: writer.write(ProtoFixed64.self, field: number, random.next())
    default: writer.write(ProtoBytes.self, field: number, [byte(), byte()])
    }
    return writer.bytes
  }

  private mutating func chance(_ probability: Double) -> Bool {
    Double(random.next() % 1000) < probability * 1000
  }

  private mutating func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }

  private mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: random.next()) }

  private mutating func string() -> String {
    (0..<random.next() % 4).map { _ in pick(Self.text) }.joined()
  }
}
