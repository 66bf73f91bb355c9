/// `google.protobuf.Empty`: a message with no fields, for calls that take or return nothing.
public struct Empty: ProtoMessage, Hashable {
  /// `google.protobuf.Empty`.
  public static var protoMessageName: String { "google.protobuf.Empty" }
  /// Fields a newer schema might add, kept for re-encoding.
  public var unknownFields = UnknownFields()

  /// The empty message.
  public init() {}

  /// Keeps every field as unknown.
  public mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() { try reader.skip(tag, into: &unknownFields) }
  }

  /// Writes only the unknown fields.
  public func encodeFields(to writer: inout ProtoWriter) { writer.writeUnknownFields(unknownFields) }
}
