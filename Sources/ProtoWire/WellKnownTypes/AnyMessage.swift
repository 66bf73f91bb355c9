/// `google.protobuf.Any`: an encoded message of any type with a URL naming its type.
///
/// Named `AnyMessage` because `Any` is taken by Swift.
public struct AnyMessage: ProtoMessage, Hashable {
  /// `google.protobuf.Any`.
  public static var protoMessageName: String { "google.protobuf.Any" }
  /// Names the type of ``value``, such as `type.googleapis.com/modal.client.RPCRetryPolicy` (field 1).
  public var typeURL: String = ""
  /// The binary encoding of a message of that type (field 2).
  public var value: [UInt8] = []
  /// Fields a newer schema might add, kept for re-encoding.
  public var unknownFields = UnknownFields()

  /// An empty value.
  public init() {}

  /// Packs a message under the `type.googleapis.com/` prefix.
  public init<Message: ProtoMessage>(packing message: Message, typeURLPrefix: String = "type.googleapis.com") {
    typeURL = typeURLPrefix + "/" + Message.protoMessageName
    value = message.serializedBytes()
  }

  /// The full message name after the last `/` of ``typeURL``.
  public var messageName: Substring {
    guard let slash = typeURL.lastIndex(of: "/") else { return typeURL[...] }
    return typeURL[typeURL.index(after: slash)...]
  }

  /// Decodes the packed message when ``typeURL`` names `Message`, nil for any other type.
  public func unpack<Message: ProtoMessage>(_ type: Message.Type) throws(ProtoWireError) -> Message? {
    guard messageName == Message.protoMessageName else { return nil }
    return try Message(serializedBytes: value)
  }

  /// Reads fields 1 and 2; keeps any other as unknown.
  public mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      switch tag.number {
      case 1: typeURL = try reader.read(ProtoString.self, tag)
      case 2: value = try reader.read(ProtoBytes.self, tag)
      default: try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  /// Writes the non-empty parts, then the unknown fields.
  public func encodeFields(to writer: inout ProtoWriter) {
    writer.writeIfNotDefault(ProtoString.self, field: 1, typeURL)
    writer.writeIfNotDefault(ProtoBytes.self, field: 2, value)
    writer.writeUnknownFields(unknownFields)
  }
}
