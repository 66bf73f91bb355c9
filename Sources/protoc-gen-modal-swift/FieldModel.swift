/// One field of a message as the generator sees it: Swift name, storage shape and codecs.
struct FieldModel {
  /// How the field is stored in the Swift struct.
  enum Shape {
    /// A proto3 field without presence: `var name: T = default`.
    case plain
    /// A proto3 `optional` scalar or a singular message: `var name: T?`.
    case optional
    /// A singular message field that (indirectly) contains its own message: `var name: T?`
    /// computed over a boxed stored property.
    case boxed
    /// A repeated field: `var name: [T]`.
    case repeated
    /// A map field: `var name: [K: V]`.
    case map(key: ValueType, value: ValueType)
    /// A member of a real oneof (stored in the oneof's enum).
    case oneofMember(oneof: OneofModel)
  }

  let descriptor: FieldDescriptor
  let swiftName: String
  let value: ValueType
  let shape: Shape
  /// The doc-comment lines.
  let doc: [String]
  /// The `.proto` declaration, such as `optional double expires_at = 11`, for the doc comment.
  let protoDeclaration: String

  var number: Int32 { descriptor.number }
  var name: String { SwiftNames.escaped(swiftName) }

  /// The Swift type of the stored property (not used for oneof members).
  var storedType: String {
    switch shape {
    case .plain, .oneofMember: return value.swiftType
    case .optional, .boxed: return value.swiftType + "?"
    case .repeated: return "[\(value.swiftType)]"
    case .map(let key, let value): return "[\(key.swiftType): \(value.swiftType)]"
    }
  }

  /// The stored property's initial value.
  var initialValue: String {
    switch shape {
    case .plain, .oneofMember: return value.defaultValue ?? "\(value.swiftType)()"
    case .optional, .boxed: return "nil"
    case .repeated: return "[]"
    case .map: return "[:]"
    }
  }

  /// The statement(s) of the decoding `switch` case for this field.
  func decodeStatements() -> [String] {
    switch shape {
    case .plain, .optional, .boxed:
      if let codec = value.codec { return ["\(name) = try reader.read(\(codec).self, tag)"] }
      return ["try reader.readMessage(tag, into: &\(name))"]
    case .repeated:
      if let codec = value.codec { return ["try reader.readRepeated(\(codec).self, tag, into: &\(name))"] }
      return ["try reader.readRepeatedMessage(tag, into: &\(name))"]
    case .map(let key, let mapValue):
      guard let keyCodec = key.codec else { return [] }
      if let valueCodec = mapValue.codec {
        return ["try reader.readMapEntry(\(keyCodec).self, \(valueCodec).self, tag, into: &\(name))"]
      }
      return ["try reader.readMessageMapEntry(\(keyCodec).self, tag, into: &\(name))"]
    case .oneofMember(let oneof):
      let member = "\(oneof.enumName).\(name)"
      if let codec = value.codec { return ["\(oneof.name) = .\(name)(try reader.read(\(codec).self, tag))"] }
      return [
        "var value = \(value.swiftType)()",
        "if case .\(name)(let current)? = \(oneof.name) { value = current }",
        "try reader.readMessage(tag, into: &value)",
        "\(oneof.name) = \(member)(value)",
      ]
    }
  }

  /// The statement that writes this field (in field-number order).
  func encodeStatement() -> String {
    let number = descriptor.number
    switch shape {
    case .plain:
      if let codec = value.codec { return "writer.writeIfNotDefault(\(codec).self, field: \(number), \(name))" }
      return "writer.writeMessage(field: \(number), \(name))"
    case .optional, .boxed:
      if let codec = value.codec { return "writer.write(\(codec).self, field: \(number), \(name))" }
      return "writer.writeMessage(field: \(number), \(name))"
    case .repeated:
      if let codec = value.codec { return "writer.writeRepeated(\(codec).self, field: \(number), \(name))" }
      return "writer.writeRepeatedMessage(field: \(number), \(name))"
    case .map(let key, let mapValue):
      let keyCodec = key.codec ?? "ProtoString"
      if let valueCodec = mapValue.codec {
        return "writer.writeMap(\(keyCodec).self, \(valueCodec).self, field: \(number), \(name))"
      }
      return "writer.writeMessageMap(\(keyCodec).self, field: \(number), \(name))"
    case .oneofMember(let oneof):
      let write =
        value.codec.map { "writer.write(\($0).self, field: \(number), value)" }
        ?? "writer.writeMessage(field: \(number), value)"
      return "if case .\(name)(let value)? = \(oneof.name) { \(write) }"
    }
  }

  /// The `.proto` spelling of a field's type (scalars by name, messages and enums by full name).
  static func protoTypeName(_ field: FieldDescriptor) -> String {
    protoTypeNames[field.type] ?? String(field.typeName.drop { $0 == "." })
  }

  static let protoTypeNames: [Int32: String] = [
    1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32", 8: "bool",
    9: "string", 12: "bytes", 13: "uint32", 15: "sfixed32", 16: "sfixed64", 17: "sint32", 18: "sint64",
  ]
}

/// A real (not synthetic) oneof: a Swift enum with a case per member and an optional property.
struct OneofModel {
  let protoName: String
  /// The property name, such as `identity`.
  let swiftName: String
  /// The nested enum's name, such as `Identity`.
  let enumName: String
  let doc: [String]

  var name: String { SwiftNames.escaped(swiftName) }
}
