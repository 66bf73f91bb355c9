import ProtoWire

// The parts of `google/protobuf/descriptor.proto` and `google/protobuf/compiler/plugin.proto` the
// generator reads, written by hand on top of ProtoWire. Fields it does not need are kept as
// unknown fields. Field numbers are those of the upstream schema.

/// `google.protobuf.FileDescriptorProto`: one parsed .proto file.
struct FileDescriptor: ProtoMessage {
  static var protoMessageName: String { "google.protobuf.FileDescriptorProto" }
  var name = ""
  var package = ""
  var dependencies: [String] = []
  var messageTypes: [MessageDescriptor] = []
  var enumTypes: [EnumDescriptor] = []
  var services: [ServiceDescriptor] = []
  var sourceCodeInfo: SourceCodeInfo?
  var syntax = ""
  var unknownFields = UnknownFields()

  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      switch tag.number {
      case 1: name = try reader.read(ProtoString.self, tag)
      case 2: package = try reader.read(ProtoString.self, tag)
      case 3: try reader.readRepeated(ProtoString.self, tag, into: &dependencies)
      case 4: try reader.readRepeatedMessage(tag, into: &messageTypes)
      case 5: try reader.readRepeatedMessage(tag, into: &enumTypes)
      case 6: try reader.readRepeatedMessage(tag, into: &services)
      case 9: try reader.readMessage(tag, into: &sourceCodeInfo)
      case 12: syntax = try reader.read(ProtoString.self, tag)
      default: try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  func encodeFields(to writer: inout ProtoWriter) {
    writer.writeIfNotDefault(ProtoString.self, field: 1, name)
    writer.writeIfNotDefault(ProtoString.self, field: 2, package)
    writer.writeRepeated(ProtoString.self, field: 3, dependencies)
    writer.writeRepeatedMessage(field: 4, messageTypes)
    writer.writeRepeatedMessage(field: 5, enumTypes)
    writer.writeRepeatedMessage(field: 6, services)
    writer.writeMessage(field: 9, sourceCodeInfo)
    writer.writeIfNotDefault(ProtoString.self, field: 12, syntax)
    writer.writeUnknownFields(unknownFields)
  }
}

/// `google.protobuf.DescriptorProto`: one message type.
struct MessageDescriptor: ProtoMessage {
  static var protoMessageName: String { "google.protobuf.DescriptorProto" }
  var name = ""
  var fields: [FieldDescriptor] = []
  var nestedTypes: [MessageDescriptor] = []
  var enumTypes: [EnumDescriptor] = []
  var options: MessageOptions?
  var oneofDecls: [OneofDescriptor] = []
  var unknownFields = UnknownFields()

  /// True for the synthetic entry type of a map field.
  var isMapEntry: Bool { options?.mapEntry ?? false }

  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      switch tag.number {
      case 1: name = try reader.read(ProtoString.self, tag)
      case 2: try reader.readRepeatedMessage(tag, into: &fields)
      case 3: try reader.readRepeatedMessage(tag, into: &nestedTypes)
      case 4: try reader.readRepeatedMessage(tag, into: &enumTypes)
      case 7: try reader.readMessage(tag, into: &options)
      case 8: try reader.readRepeatedMessage(tag, into: &oneofDecls)
      default: try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  func encodeFields(to writer: inout ProtoWriter) {
    writer.writeIfNotDefault(ProtoString.self, field: 1, name)
    writer.writeRepeatedMessage(field: 2, fields)
    writer.writeRepeatedMessage(field: 3, nestedTypes)
    writer.writeRepeatedMessage(field: 4, enumTypes)
    writer.writeMessage(field: 7, options)
    writer.writeRepeatedMessage(field: 8, oneofDecls)
    writer.writeUnknownFields(unknownFields)
  }
}

/// `google.protobuf.MessageOptions`: only `map_entry`.
struct MessageOptions: ProtoMessage {
  static var protoMessageName: String { "google.protobuf.MessageOptions" }
  var mapEntry = false
  var unknownFields = UnknownFields()

  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      if tag.number == 7 {
        mapEntry = try reader.read(ProtoBool.self, tag)
      } else {
        try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  func encodeFields(to writer: inout ProtoWriter) {
    writer.writeIfNotDefault(ProtoBool.self, field: 7, mapEntry)
    writer.writeUnknownFields(unknownFields)
  }
}

/// `google.protobuf.FieldDescriptorProto`: one field.
struct FieldDescriptor: ProtoMessage {
  static var protoMessageName: String { "google.protobuf.FieldDescriptorProto" }
  var name = ""
  var number: Int32 = 0
  var label: Int32 = 0
  var type: Int32 = 0
  var typeName = ""
  var oneofIndex: Int32?
  var jsonName = ""
  var proto3Optional = false
  var unknownFields = UnknownFields()

  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      switch tag.number {
      case 1: name = try reader.read(ProtoString.self, tag)
      case 3: number = try reader.read(ProtoInt32.self, tag)
      case 4: label = try reader.read(ProtoInt32.self, tag)
      case 5: type = try reader.read(ProtoInt32.self, tag)
      case 6: typeName = try reader.read(ProtoString.self, tag)
      case 9: oneofIndex = try reader.read(ProtoInt32.self, tag)
      case 10: jsonName = try reader.read(ProtoString.self, tag)
      case 17: proto3Optional = try reader.read(ProtoBool.self, tag)
      default: try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  func encodeFields(to writer: inout ProtoWriter) {
    writer.writeIfNotDefault(ProtoString.self, field: 1, name)
    writer.writeIfNotDefault(ProtoInt32.self, field: 3, number)
    writer.writeIfNotDefault(ProtoInt32.self, field: 4, label)
    writer.writeIfNotDefault(ProtoInt32.self, field: 5, type)
    writer.writeIfNotDefault(ProtoString.self, field: 6, typeName)
    writer.write(ProtoInt32.self, field: 9, oneofIndex)
    writer.writeIfNotDefault(ProtoString.self, field: 10, jsonName)
    writer.writeIfNotDefault(ProtoBool.self, field: 17, proto3Optional)
    writer.writeUnknownFields(unknownFields)
  }
}

/// `google.protobuf.OneofDescriptorProto`: one oneof (real or synthetic).
struct OneofDescriptor: ProtoMessage {
  static var protoMessageName: String { "google.protobuf.OneofDescriptorProto" }
  var name = ""
  var unknownFields = UnknownFields()

  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      if tag.number == 1 {
        name = try reader.read(ProtoString.self, tag)
      } else {
        try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  func encodeFields(to writer: inout ProtoWriter) {
    writer.writeIfNotDefault(ProtoString.self, field: 1, name)
    writer.writeUnknownFields(unknownFields)
  }
}

/// `google.protobuf.EnumDescriptorProto`: one enum.
struct EnumDescriptor: ProtoMessage {
  static var protoMessageName: String { "google.protobuf.EnumDescriptorProto" }
  var name = ""
  var values: [EnumValueDescriptor] = []
  var unknownFields = UnknownFields()

  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      switch tag.number {
      case 1: name = try reader.read(ProtoString.self, tag)
      case 2: try reader.readRepeatedMessage(tag, into: &values)
      default: try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  func encodeFields(to writer: inout ProtoWriter) {
    writer.writeIfNotDefault(ProtoString.self, field: 1, name)
    writer.writeRepeatedMessage(field: 2, values)
    writer.writeUnknownFields(unknownFields)
  }
}

/// `google.protobuf.EnumValueDescriptorProto`: one enum value.
struct EnumValueDescriptor: ProtoMessage {
  static var protoMessageName: String { "google.protobuf.EnumValueDescriptorProto" }
  var name = ""
  var number: Int32 = 0
  var unknownFields = UnknownFields()

  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      switch tag.number {
      case 1: name = try reader.read(ProtoString.self, tag)
      case 2: number = try reader.read(ProtoInt32.self, tag)
      default: try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  func encodeFields(to writer: inout ProtoWriter) {
    writer.writeIfNotDefault(ProtoString.self, field: 1, name)
    writer.writeIfNotDefault(ProtoInt32.self, field: 2, number)
    writer.writeUnknownFields(unknownFields)
  }
}

/// `google.protobuf.ServiceDescriptorProto`: one service.
struct ServiceDescriptor: ProtoMessage {
  static var protoMessageName: String { "google.protobuf.ServiceDescriptorProto" }
  var name = ""
  var methods: [MethodDescriptorProto] = []
  var unknownFields = UnknownFields()

  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      switch tag.number {
      case 1: name = try reader.read(ProtoString.self, tag)
      case 2: try reader.readRepeatedMessage(tag, into: &methods)
      default: try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  func encodeFields(to writer: inout ProtoWriter) {
    writer.writeIfNotDefault(ProtoString.self, field: 1, name)
    writer.writeRepeatedMessage(field: 2, methods)
    writer.writeUnknownFields(unknownFields)
  }
}

/// `google.protobuf.MethodDescriptorProto`: one RPC method.
struct MethodDescriptorProto: ProtoMessage {
  static var protoMessageName: String { "google.protobuf.MethodDescriptorProto" }
  var name = ""
  var inputType = ""
  var outputType = ""
  var clientStreaming = false
  var serverStreaming = false
  var unknownFields = UnknownFields()

  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      switch tag.number {
      case 1: name = try reader.read(ProtoString.self, tag)
      case 2: inputType = try reader.read(ProtoString.self, tag)
      case 3: outputType = try reader.read(ProtoString.self, tag)
      case 5: clientStreaming = try reader.read(ProtoBool.self, tag)
      case 6: serverStreaming = try reader.read(ProtoBool.self, tag)
      default: try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  func encodeFields(to writer: inout ProtoWriter) {
    writer.writeIfNotDefault(ProtoString.self, field: 1, name)
    writer.writeIfNotDefault(ProtoString.self, field: 2, inputType)
    writer.writeIfNotDefault(ProtoString.self, field: 3, outputType)
    writer.writeIfNotDefault(ProtoBool.self, field: 5, clientStreaming)
    writer.writeIfNotDefault(ProtoBool.self, field: 6, serverStreaming)
    writer.writeUnknownFields(unknownFields)
  }
}

/// `google.protobuf.SourceCodeInfo`: where each declaration is, and its comments.
struct SourceCodeInfo: ProtoMessage {
  static var protoMessageName: String { "google.protobuf.SourceCodeInfo" }
  var locations: [SourceLocation] = []
  var unknownFields = UnknownFields()

  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      if tag.number == 1 {
        try reader.readRepeatedMessage(tag, into: &locations)
      } else {
        try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  func encodeFields(to writer: inout ProtoWriter) {
    writer.writeRepeatedMessage(field: 1, locations)
    writer.writeUnknownFields(unknownFields)
  }
}

/// `google.protobuf.SourceCodeInfo.Location`: a declaration's path and comments.
struct SourceLocation: ProtoMessage {
  static var protoMessageName: String { "google.protobuf.SourceCodeInfo.Location" }
  var path: [Int32] = []
  var leadingComments = ""
  var trailingComments = ""
  var unknownFields = UnknownFields()

  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      switch tag.number {
      case 1: try reader.readRepeated(ProtoInt32.self, tag, into: &path)
      case 3: leadingComments = try reader.read(ProtoString.self, tag)
      case 4: trailingComments = try reader.read(ProtoString.self, tag)
      default: try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  func encodeFields(to writer: inout ProtoWriter) {
    writer.writeRepeated(ProtoInt32.self, field: 1, path)
    writer.writeIfNotDefault(ProtoString.self, field: 3, leadingComments)
    writer.writeIfNotDefault(ProtoString.self, field: 4, trailingComments)
    writer.writeUnknownFields(unknownFields)
  }
}
