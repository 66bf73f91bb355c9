/// Writes the schema table: every message (with its fields) and enum as data, plus the message types.
struct SchemaEmitter {
  let schemaName: String

  func emit(_ file: FileDescriptor, resolver: TypeResolver, into code: inout CodeBuilder) throws(GeneratorError) {
    var messages: [(fullName: String, message: MessageDescriptor)] = []
    var enums: [(fullName: String, enumType: EnumDescriptor)] = []
    let scope = file.package.isEmpty ? "" : file.package + "."
    func collect(_ message: MessageDescriptor, fullName: String) {
      messages.append((fullName, message))
      for nested in message.nestedTypes { collect(nested, fullName: fullName + "." + nested.name) }
      for enumType in message.enumTypes { enums.append((fullName + "." + enumType.name, enumType)) }
    }
    for enumType in file.enumTypes { enums.append((scope + enumType.name, enumType)) }
    for message in file.messageTypes { collect(message, fullName: scope + message.name) }

    code.doc(["The schema of `\(file.name)` as data: what the generated types were generated from."])
    code.doc(["", "Tests compare it with other descriptors of the same API; tools can list the types."])
    try code.block("public enum \(schemaName)") { (code) throws(GeneratorError) in
      code.doc(["Every message, nested ones and map entries included, in declaration order."])
      code.line("public static let messages: [ProtoMessageSchema] = [")
      for (fullName, message) in messages {
        code.line("  ProtoMessageSchema(")
        code.line(
          "    fullName: \(SwiftNames.stringLiteral(fullName)),\(message.isMapEntry ? " isMapEntry: true," : "")")
        if message.fields.isEmpty {
          code.line("    fields: []),")
          continue
        }
        code.line("    fields: [")
        for field in message.fields { code.line("      " + fieldLiteral(field, in: message, resolver: resolver) + ",") }
        code.line("    ]),")
      }
      code.line("]")
      code.line()
      code.doc(["Every enum, nested ones included, in declaration order."])
      code.line("public static let enums: [ProtoEnumSchema] = [")
      for (fullName, enumType) in enums {
        code.line("  ProtoEnumSchema(")
        code.line("    fullName: \(SwiftNames.stringLiteral(fullName)),")
        code.line("    values: [")
        for value in enumType.values {
          code.line("      .init(name: \(SwiftNames.stringLiteral(value.name)), number: \(value.number)),")
        }
        code.line("    ]),")
      }
      code.line("]")
      code.line()
      code.doc(["The generated Swift type of every message except map entries, in the order of ``messages``."])
      code.line("public static let messageTypes: [any ProtoMessage.Type] = [")
      for (fullName, message) in messages where !message.isMapEntry {
        code.line("  \(try resolver.entry("." + fullName).swiftName).self,")
      }
      code.line("]")
    }
  }

  private func fieldLiteral(_ field: FieldDescriptor, in message: MessageDescriptor, resolver: TypeResolver) -> String {
    var parts = [
      "name: \(SwiftNames.stringLiteral(field.name))",
      "swiftName: \(SwiftNames.stringLiteral(SwiftNames.lowerCamel(field.name)))",
      "number: \(field.number)",
      "type: .\(Self.typeCases[field.type] ?? "message")",
      "label: .\(field.label == 3 ? "repeated" : field.label == 2 ? "required" : "optional")",
    ]
    if !field.typeName.isEmpty { parts.append("typeName: \(SwiftNames.stringLiteral(field.typeName))") }
    if let index = field.oneofIndex, !field.proto3Optional, Int(index) < message.oneofDecls.count {
      parts.append("oneof: \(SwiftNames.stringLiteral(message.oneofDecls[Int(index)].name))")
    }
    if field.proto3Optional { parts.append("isProto3Optional: true") }
    if field.type == 11, field.label == 3, (try? resolver.entry(field.typeName).mapEntry) != nil {
      parts.append("isMap: true")
    }
    return ".init(" + parts.joined(separator: ", ") + ")"
  }

  private static let typeCases: [Int32: String] = [
    1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32", 8: "bool",
    9: "string", 10: "group", 11: "message", 12: "bytes", 13: "uint32", 14: "`enum`", 15: "sfixed32",
    16: "sfixed64", 17: "sint32", 18: "sint64",
  ]
}
