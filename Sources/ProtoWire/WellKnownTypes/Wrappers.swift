/// A scalar codec that has a `google.protobuf.*Value` wrapper message.
public protocol ProtoWrappableCodec: ProtoScalarCodec {
  /// The wrapper's full name, such as `google.protobuf.StringValue`.
  static var wrapperMessageName: String { get }
}

/// The `google.protobuf` wrapper messages (`StringValue`, `Int32Value`, …): one field `value` = 1.
///
/// A wrapper gives a scalar presence: an unset field (`nil`) differs from one set to the default.
public struct ProtoWrapper<Codec: ProtoWrappableCodec>: ProtoMessage, Hashable {
  /// The wrapper's full name.
  public static var protoMessageName: String { Codec.wrapperMessageName }
  /// The wrapped value (field 1).
  public var value: Codec.Value = Codec.defaultValue
  /// Fields a newer schema might add, kept for re-encoding.
  public var unknownFields = UnknownFields()

  /// A wrapper holding the default value.
  public init() {}

  /// A wrapper holding `value`.
  public init(_ value: Codec.Value) { self.value = value }

  /// Reads field 1; keeps any other as unknown.
  public mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      if tag.number == 1 {
        value = try reader.read(Codec.self, tag)
      } else {
        try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  /// Writes the value unless it is the default, then the unknown fields.
  public func encodeFields(to writer: inout ProtoWriter) {
    writer.writeIfNotDefault(Codec.self, field: 1, value)
    writer.writeUnknownFields(unknownFields)
  }
}

/// `google.protobuf.DoubleValue`.
public typealias DoubleValue = ProtoWrapper<ProtoDouble>
/// `google.protobuf.FloatValue`.
public typealias FloatValue = ProtoWrapper<ProtoFloat>
/// `google.protobuf.Int64Value`.
public typealias Int64Value = ProtoWrapper<ProtoInt64>
/// `google.protobuf.UInt64Value`.
public typealias UInt64Value = ProtoWrapper<ProtoUInt64>
/// `google.protobuf.Int32Value`.
public typealias Int32Value = ProtoWrapper<ProtoInt32>
/// `google.protobuf.UInt32Value`.
public typealias UInt32Value = ProtoWrapper<ProtoUInt32>
/// `google.protobuf.BoolValue`.
public typealias BoolValue = ProtoWrapper<ProtoBool>
/// `google.protobuf.StringValue`.
public typealias StringValue = ProtoWrapper<ProtoString>
/// `google.protobuf.BytesValue`.
public typealias BytesValue = ProtoWrapper<ProtoBytes>

extension ProtoDouble: ProtoWrappableCodec {
  /// `google.protobuf.DoubleValue`.
  public static var wrapperMessageName: String { "google.protobuf.DoubleValue" }
}
extension ProtoFloat: ProtoWrappableCodec {
  /// `google.protobuf.FloatValue`.
  public static var wrapperMessageName: String { "google.protobuf.FloatValue" }
}
extension ProtoInt64: ProtoWrappableCodec {
  /// `google.protobuf.Int64Value`.
  public static var wrapperMessageName: String { "google.protobuf.Int64Value" }
}
extension ProtoUInt64: ProtoWrappableCodec {
  /// `google.protobuf.UInt64Value`.
  public static var wrapperMessageName: String { "google.protobuf.UInt64Value" }
}
extension ProtoInt32: ProtoWrappableCodec {
  /// `google.protobuf.Int32Value`.
  public static var wrapperMessageName: String { "google.protobuf.Int32Value" }
}
extension ProtoUInt32: ProtoWrappableCodec {
  /// `google.protobuf.UInt32Value`.
  public static var wrapperMessageName: String { "google.protobuf.UInt32Value" }
}
extension ProtoBool: ProtoWrappableCodec {
  /// `google.protobuf.BoolValue`.
  public static var wrapperMessageName: String { "google.protobuf.BoolValue" }
}
extension ProtoString: ProtoWrappableCodec {
  /// `google.protobuf.StringValue`.
  public static var wrapperMessageName: String { "google.protobuf.StringValue" }
}
extension ProtoBytes: ProtoWrappableCodec {
  /// `google.protobuf.BytesValue`.
  public static var wrapperMessageName: String { "google.protobuf.BytesValue" }
}
