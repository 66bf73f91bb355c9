/// Writes a protobuf message as a Swift struct conforming to `ProtoMessage`, with its nested types.
struct MessageEmitter {
  let resolver: TypeResolver
  let comments: SourceComments

  func emit(_ message: MessageDescriptor, path: [Int32], fullName: String, into code: inout CodeBuilder)
    throws(GeneratorError)
  {
    let typeName = SwiftNames.typeName(message.name)
    let (fields, oneofs) = try models(message, path: path, fullName: fullName)

    code.doc(comments.lines(path, fallback: "The `\(fullName)` message."))
    code.doc(["", "Protobuf message `\(fullName)`."])
    try code.block("public struct \(typeName): ProtoMessage, Hashable") { (code) throws(GeneratorError) in
      try emitNestedTypes(message, path: path, fullName: fullName, oneofs: oneofs, fields: fields, into: &code)
      code.doc(["The full protobuf name."])
      code.line("public static var protoMessageName: String { \(SwiftNames.stringLiteral(fullName)) }")
      code.line()
      emitProperties(fields, oneofs: oneofs, into: &code)
      emitInitializers(fields, oneofs: oneofs, into: &code)
      emitDecoder(fields, into: &code)
      code.line()
      emitEncoder(fields, into: &code)
    }
  }

  // MARK: Models

  private func models(_ message: MessageDescriptor, path: [Int32], fullName: String) throws(GeneratorError)
    -> ([FieldModel], [Int32: OneofModel])
  {
    var oneofs: [Int32: OneofModel] = [:]
    for (index, oneof) in message.oneofDecls.enumerated() {
      let isReal = message.fields.contains { $0.oneofIndex == Int32(index) && !$0.proto3Optional }
      guard isReal else { continue }
      let oneofPath = path + [SourceComments.PathTag.messageOneof, Int32(index)]
      var enumName = SwiftNames.upperCamel(oneof.name)
      if message.nestedTypes.contains(where: { $0.name == enumName })
        || message.enumTypes.contains(where: { $0.name == enumName })
      {
        enumName += "OneOf"
      }
      oneofs[Int32(index)] = OneofModel(
        protoName: oneof.name, swiftName: SwiftNames.lowerCamel(oneof.name), enumName: enumName,
        doc: comments.lines(oneofPath, fallback: "The `\(oneof.name)` oneof."))
    }
    var fields: [FieldModel] = []
    for (index, field) in message.fields.enumerated() {
      let fieldPath = path + [SourceComments.PathTag.messageField, Int32(index)]
      let value = try ValueType(field, resolver: resolver)
      var shape: FieldModel.Shape
      var declaration = "\(FieldModel.protoTypeName(field)) \(field.name) = \(field.number)"
      if let oneofIndex = field.oneofIndex, !field.proto3Optional, let oneof = oneofs[oneofIndex] {
        shape = .oneofMember(oneof: oneof)
        declaration += " (oneof \(oneof.protoName))"
      } else if field.label == 3 {
        shape = .repeated
        declaration = "repeated " + declaration
        if field.type == 11, let entry = try resolver.entry(field.typeName).mapEntry {
          let key = entry.fields.first { $0.number == 1 }
          let mapValue = entry.fields.first { $0.number == 2 }
          guard let key, let mapValue else {
            throw GeneratorError(message: "map entry \(field.typeName) lacks key or value")
          }
          shape = .map(key: try ValueType(key, resolver: resolver), value: try ValueType(mapValue, resolver: resolver))
          declaration =
            "map<\(FieldModel.protoTypeName(key)), \(FieldModel.protoTypeName(mapValue))> \(field.name) = \(field.number)"
        }
      } else if field.type == 11, resolver.reaches(field.typeName, "." + fullName) {
        shape = .boxed
      } else if field.proto3Optional || field.type == 11 {
        shape = .optional
        if field.proto3Optional { declaration = "optional " + declaration }
      } else {
        shape = .plain
      }
      fields.append(
        FieldModel(
          descriptor: field, swiftName: SwiftNames.lowerCamel(field.name), value: value, shape: shape,
          doc: comments.lines(fieldPath, fallback: "The `\(field.name)` field."), protoDeclaration: declaration))
    }
    return (fields, oneofs)
  }

  // MARK: Declarations

  private func emitNestedTypes(
    _ message: MessageDescriptor, path: [Int32], fullName: String, oneofs: [Int32: OneofModel], fields: [FieldModel],
    into code: inout CodeBuilder
  ) throws(GeneratorError) {
    for (index, nested) in message.enumTypes.enumerated() {
      EnumEmitter(comments: comments).emit(
        nested, path: path + [SourceComments.PathTag.messageEnum, Int32(index)], fullName: fullName + "." + nested.name,
        into: &code)
      code.line()
    }
    for (index, nested) in message.nestedTypes.enumerated() where !nested.isMapEntry {
      try emit(
        nested, path: path + [SourceComments.PathTag.messageNested, Int32(index)],
        fullName: fullName + "." + nested.name, into: &code)
      code.line()
    }
    for index in oneofs.keys.sorted() {
      guard let oneof = oneofs[index] else { continue }
      code.doc(oneof.doc)
      code.doc(["", "Protobuf oneof `\(oneof.protoName)`: at most one of its fields is set."])
      let recursive = fields.contains { field in
        guard case .oneofMember(let owner) = field.shape, owner.protoName == oneof.protoName else { return false }
        return field.value.isMessage && resolver.reaches(field.descriptor.typeName, "." + fullName)
      }
      code.block("public \(recursive ? "indirect " : "")enum \(oneof.enumName): Sendable, Hashable") { code in
        for field in fields {
          guard case .oneofMember(let owner) = field.shape, owner.protoName == oneof.protoName else { continue }
          code.doc(field.doc + ["", "`\(field.protoDeclaration)`."])
          code.line("case \(field.name)(\(field.value.swiftType))")
        }
      }
      code.line()
    }
  }

  private func emitProperties(_ fields: [FieldModel], oneofs: [Int32: OneofModel], into code: inout CodeBuilder) {
    var declaredOneofs: Set<String> = []
    for field in fields {
      if case .oneofMember(let oneof) = field.shape {
        guard declaredOneofs.insert(oneof.protoName).inserted else { continue }
        code.doc(oneof.doc)
        code.line("public var \(oneof.name): \(oneof.enumName)? = nil")
        code.line()
        continue
      }
      code.doc(field.doc + ["", "`\(field.protoDeclaration)`."])
      if case .boxed = field.shape {
        code.block("public var \(field.name): \(field.storedType)") { code in
          code.line("get { _\(field.swiftName)?.value }")
          code.line("set { _\(field.swiftName) = newValue.map(ProtoBox.init) }")
        }
        code.line("private var _\(field.swiftName): ProtoBox<\(field.value.swiftType)>? = nil")
      } else {
        code.line("public var \(field.name): \(field.storedType) = \(field.initialValue)")
      }
      code.line()
    }
    for field in fields {
      guard case .oneofMember(let oneof) = field.shape else { continue }
      code.doc([
        "The `\(field.descriptor.name)` member of ``\(oneof.swiftName)``, nil when another member (or none) is set."
      ])
      code.block("public var \(field.name): \(field.value.swiftType)?") { code in
        code.line("if case .\(field.name)(let value)? = \(oneof.name) { return value }")
        code.line("return nil")
      }
      code.line()
    }
    code.doc(["Fields this schema does not know, kept so that re-encoding loses nothing."])
    code.line("public var unknownFields = UnknownFields()")
    code.line()
  }

  private func emitInitializers(_ fields: [FieldModel], oneofs: [Int32: OneofModel], into code: inout CodeBuilder) {
    code.doc(["A message with every field at its default."])
    code.line("public init() {}")
    code.line()
    var parameters: [(name: String, declaration: String)] = []
    var seenOneofs: Set<String> = []
    for field in fields {
      if case .oneofMember(let oneof) = field.shape {
        if seenOneofs.insert(oneof.protoName).inserted {
          parameters.append((oneof.name, "\(oneof.name): \(oneof.enumName)? = nil"))
        }
      } else {
        parameters.append((field.name, "\(field.name): \(field.storedType) = \(field.initialValue)"))
      }
    }
    guard !parameters.isEmpty else { return }
    code.doc(["A message with the given field values; fields not named keep their defaults."])
    code.line("public init(")
    for (index, parameter) in parameters.enumerated() {
      code.line("  " + parameter.declaration + (index == parameters.count - 1 ? "" : ","))
    }
    code.block(")") { code in
      for parameter in parameters { code.line("self.\(parameter.name) = \(parameter.name)") }
    }
    code.line()
  }

  private func emitDecoder(_ fields: [FieldModel], into code: inout CodeBuilder) {
    code.doc(["Merges the fields read from `reader` into this message; unknown fields are kept."])
    code.block("public mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError)") { code in
      code.block("while let tag = try reader.nextField()") { code in
        code.switchBlock("tag.number") { code in
          for field in fields {
            let statements = field.decodeStatements()
            if statements.count == 1 {
              code.line("case \(field.number): \(statements[0])")
            } else {
              code.line("case \(field.number):")
              for statement in statements { code.line("  " + statement) }
            }
          }
          code.line("default: try reader.skip(tag, into: &unknownFields)")
        }
      }
    }
  }

  private func emitEncoder(_ fields: [FieldModel], into code: inout CodeBuilder) {
    code.doc(["Writes the fields in number order (proto3 defaults skipped), then the unknown fields."])
    code.block("public func encodeFields(to writer: inout ProtoWriter)") { code in
      for field in fields.sorted(by: { $0.number < $1.number }) { code.line(field.encodeStatement()) }
      code.line("writer.writeUnknownFields(unknownFields)")
    }
  }
}
