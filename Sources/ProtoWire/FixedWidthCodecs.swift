/// `fixed32`: four little-endian bytes.
public enum ProtoFixed32: ProtoMapKeyCodec {
  /// Fixed32.
  public static var wireType: WireType { .fixed32 }
  /// Zero.
  public static var defaultValue: UInt32 { 0 }
  /// Reads four bytes.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> UInt32 {
    try reader.readFixed32()
  }
  /// Writes four bytes.
  public static func encode(_ value: UInt32, to writer: inout ProtoWriter) { writer.writeFixed32(value) }
}

/// `fixed64`: eight little-endian bytes.
public enum ProtoFixed64: ProtoMapKeyCodec {
  /// Fixed64.
  public static var wireType: WireType { .fixed64 }
  /// Zero.
  public static var defaultValue: UInt64 { 0 }
  /// Reads eight bytes.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> UInt64 {
    try reader.readFixed64()
  }
  /// Writes eight bytes.
  public static func encode(_ value: UInt64, to writer: inout ProtoWriter) { writer.writeFixed64(value) }
}

/// `sfixed32`: four little-endian two's-complement bytes.
public enum ProtoSFixed32: ProtoMapKeyCodec {
  /// Fixed32.
  public static var wireType: WireType { .fixed32 }
  /// Zero.
  public static var defaultValue: Int32 { 0 }
  /// Reads four bytes.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> Int32 {
    Int32(bitPattern: try reader.readFixed32())
  }
  /// Writes four bytes.
  public static func encode(_ value: Int32, to writer: inout ProtoWriter) {
    writer.writeFixed32(UInt32(bitPattern: value))
  }
}

/// `sfixed64`: eight little-endian two's-complement bytes.
public enum ProtoSFixed64: ProtoMapKeyCodec {
  /// Fixed64.
  public static var wireType: WireType { .fixed64 }
  /// Zero.
  public static var defaultValue: Int64 { 0 }
  /// Reads eight bytes.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> Int64 {
    Int64(bitPattern: try reader.readFixed64())
  }
  /// Writes eight bytes.
  public static func encode(_ value: Int64, to writer: inout ProtoWriter) {
    writer.writeFixed64(UInt64(bitPattern: value))
  }
}

/// `float`: IEEE 754 single precision, four little-endian bytes; NaN payloads are kept.
public enum ProtoFloat: ProtoScalarCodec {
  /// Fixed32.
  public static var wireType: WireType { .fixed32 }
  /// Positive zero.
  public static var defaultValue: Float { 0 }
  /// Reads four bytes.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> Float {
    Float(bitPattern: try reader.readFixed32())
  }
  /// Writes four bytes.
  public static func encode(_ value: Float, to writer: inout ProtoWriter) { writer.writeFixed32(value.bitPattern) }
  /// Only positive zero is the default (negative zero is written, as protoc does).
  public static func isDefault(_ value: Float) -> Bool { value.bitPattern == 0 }
}

/// `double`: IEEE 754 double precision, eight little-endian bytes; NaN payloads are kept.
public enum ProtoDouble: ProtoScalarCodec {
  /// Fixed64.
  public static var wireType: WireType { .fixed64 }
  /// Positive zero.
  public static var defaultValue: Double { 0 }
  /// Reads eight bytes.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> Double {
    Double(bitPattern: try reader.readFixed64())
  }
  /// Writes eight bytes.
  public static func encode(_ value: Double, to writer: inout ProtoWriter) { writer.writeFixed64(value.bitPattern) }
  /// Only positive zero is the default (negative zero is written, as protoc does).
  public static func isDefault(_ value: Double) -> Bool { value.bitPattern == 0 }
}
