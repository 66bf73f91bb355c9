import ProtoWire

/// `google.protobuf.compiler.CodeGeneratorRequest`: what protoc sends the plugin on standard input.
struct CodeGeneratorRequest: ProtoMessage {
  static var protoMessageName: String { "google.protobuf.compiler.CodeGeneratorRequest" }
  var filesToGenerate: [String] = []
  var parameter = ""
  var protoFiles: [FileDescriptor] = []
  var unknownFields = UnknownFields()

  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      switch tag.number {
      case 1: try reader.readRepeated(ProtoString.self, tag, into: &filesToGenerate)
      case 2: parameter = try reader.read(ProtoString.self, tag)
      case 15: try reader.readRepeatedMessage(tag, into: &protoFiles)
      default: try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  func encodeFields(to writer: inout ProtoWriter) {
    writer.writeRepeated(ProtoString.self, field: 1, filesToGenerate)
    writer.writeIfNotDefault(ProtoString.self, field: 2, parameter)
    writer.writeRepeatedMessage(field: 15, protoFiles)
    writer.writeUnknownFields(unknownFields)
  }
}

/// `google.protobuf.compiler.CodeGeneratorResponse`: what the plugin answers on standard output.
struct CodeGeneratorResponse: ProtoMessage {
  /// One generated file.
  struct File: ProtoMessage {
    static var protoMessageName: String { "google.protobuf.compiler.CodeGeneratorResponse.File" }
    var name = ""
    var content = ""
    var unknownFields = UnknownFields()

    mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
      while let tag = try reader.nextField() {
        switch tag.number {
        case 1: name = try reader.read(ProtoString.self, tag)
        case 15: content = try reader.read(ProtoString.self, tag)
        default: try reader.skip(tag, into: &unknownFields)
        }
      }
    }

    func encodeFields(to writer: inout ProtoWriter) {
      writer.writeIfNotDefault(ProtoString.self, field: 1, name)
      writer.writeIfNotDefault(ProtoString.self, field: 15, content)
      writer.writeUnknownFields(unknownFields)
    }
  }

  /// `FEATURE_PROTO3_OPTIONAL`: the plugin understands proto3 `optional` fields.
  static let featureProto3Optional: UInt64 = 1

  static var protoMessageName: String { "google.protobuf.compiler.CodeGeneratorResponse" }
  var error: String?
  var supportedFeatures: UInt64 = 0
  var files: [File] = []
  var unknownFields = UnknownFields()

  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      switch tag.number {
      case 1: error = try reader.read(ProtoString.self, tag)
      case 2: supportedFeatures = try reader.read(ProtoUInt64.self, tag)
      case 15: try reader.readRepeatedMessage(tag, into: &files)
      default: try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  func encodeFields(to writer: inout ProtoWriter) {
    writer.write(ProtoString.self, field: 1, error)
    writer.writeIfNotDefault(ProtoUInt64.self, field: 2, supportedFeatures)
    writer.writeRepeatedMessage(field: 15, files)
    writer.writeUnknownFields(unknownFields)
  }
}
