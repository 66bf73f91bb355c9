/// How one protobuf scalar type is encoded: its wire type, default value and payload format.
///
/// Generated code names a codec (``ProtoInt32``, ``ProtoSInt64``, ``ProtoString``, …) for every scalar
/// field, so the same Swift value type (say `Int32`) can be written as int32, sint32 or sfixed32.
public protocol ProtoScalarCodec {
  /// The Swift type of the field's value.
  associatedtype Value: Sendable & Hashable
  /// The wire type of one value.
  static var wireType: WireType { get }
  /// The proto3 default value (zero, false, empty).
  static var defaultValue: Value { get }
  /// Reads one value's payload (the tag has already been read and checked).
  static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> Value
  /// Appends one value's payload (without a tag).
  static func encode(_ value: Value, to writer: inout ProtoWriter)
  /// True when `value` is the default and a field without presence is therefore not written.
  static func isDefault(_ value: Value) -> Bool
}

extension ProtoScalarCodec {
  /// True for numeric types, which proto3 writes as one packed length-delimited field when repeated.
  public static var isPackable: Bool { wireType != .lengthDelimited }
}

extension ProtoScalarCodec where Value: Equatable {
  /// Compares with the default value.
  public static func isDefault(_ value: Value) -> Bool { value == defaultValue }
}

/// A scalar type allowed as a map key, with the key order used for deterministic encoding.
public protocol ProtoMapKeyCodec: ProtoScalarCodec {
  /// The order map entries are written in (numeric for integers, UTF-8 bytes for strings).
  static func sortsBefore(_ lhs: Value, _ rhs: Value) -> Bool
}

extension ProtoMapKeyCodec where Value: Comparable {
  /// Numeric order.
  public static func sortsBefore(_ lhs: Value, _ rhs: Value) -> Bool { lhs < rhs }
}

// MARK: Varint integers

/// `int32`: a varint; negative values are sign-extended to 64 bits and take 10 bytes.
public enum ProtoInt32: ProtoMapKeyCodec {
  /// Varint.
  public static var wireType: WireType { .varint }
  /// Zero.
  public static var defaultValue: Int32 { 0 }
  /// Reads a varint and keeps its low 32 bits.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> Int32 {
    Int32(truncatingIfNeeded: try reader.readVarint())
  }
  /// Writes the value sign-extended to 64 bits.
  public static func encode(_ value: Int32, to writer: inout ProtoWriter) {
    writer.writeVarint(UInt64(bitPattern: Int64(value)))
  }
}

/// `int64`: a varint of the two's-complement bits.
public enum ProtoInt64: ProtoMapKeyCodec {
  /// Varint.
  public static var wireType: WireType { .varint }
  /// Zero.
  public static var defaultValue: Int64 { 0 }
  /// Reads a varint.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> Int64 {
    Int64(bitPattern: try reader.readVarint())
  }
  /// Writes a varint.
  public static func encode(_ value: Int64, to writer: inout ProtoWriter) {
    writer.writeVarint(UInt64(bitPattern: value))
  }
}

/// `uint32`: a varint.
public enum ProtoUInt32: ProtoMapKeyCodec {
  /// Varint.
  public static var wireType: WireType { .varint }
  /// Zero.
  public static var defaultValue: UInt32 { 0 }
  /// Reads a varint and keeps its low 32 bits.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> UInt32 {
    UInt32(truncatingIfNeeded: try reader.readVarint())
  }
  /// Writes a varint.
  public static func encode(_ value: UInt32, to writer: inout ProtoWriter) {
    writer.writeVarint(UInt64(value))
  }
}

/// `uint64`: a varint.
public enum ProtoUInt64: ProtoMapKeyCodec {
  /// Varint.
  public static var wireType: WireType { .varint }
  /// Zero.
  public static var defaultValue: UInt64 { 0 }
  /// Reads a varint.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> UInt64 {
    try reader.readVarint()
  }
  /// Writes a varint.
  public static func encode(_ value: UInt64, to writer: inout ProtoWriter) {
    writer.writeVarint(value)
  }
}

/// `sint32`: a zigzag-encoded varint, so small negative numbers stay short.
public enum ProtoSInt32: ProtoMapKeyCodec {
  /// Varint.
  public static var wireType: WireType { .varint }
  /// Zero.
  public static var defaultValue: Int32 { 0 }
  /// Reads a varint and undoes the zigzag mapping on its low 32 bits.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> Int32 {
    ZigZag.decode32(UInt32(truncatingIfNeeded: try reader.readVarint()))
  }
  /// Writes the zigzag mapping as a varint.
  public static func encode(_ value: Int32, to writer: inout ProtoWriter) {
    writer.writeVarint(UInt64(ZigZag.encode32(value)))
  }
}

/// `sint64`: a zigzag-encoded varint.
public enum ProtoSInt64: ProtoMapKeyCodec {
  /// Varint.
  public static var wireType: WireType { .varint }
  /// Zero.
  public static var defaultValue: Int64 { 0 }
  /// Reads a varint and undoes the zigzag mapping.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> Int64 {
    ZigZag.decode64(try reader.readVarint())
  }
  /// Writes the zigzag mapping as a varint.
  public static func encode(_ value: Int64, to writer: inout ProtoWriter) {
    writer.writeVarint(ZigZag.encode64(value))
  }
}

/// `bool`: a varint, any non-zero value is true.
public enum ProtoBool: ProtoMapKeyCodec {
  /// Varint.
  public static var wireType: WireType { .varint }
  /// False.
  public static var defaultValue: Bool { false }
  /// Reads a varint; non-zero is true.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> Bool {
    try reader.readVarint() != 0
  }
  /// Writes 0 or 1.
  public static func encode(_ value: Bool, to writer: inout ProtoWriter) {
    writer.writeVarint(value ? 1 : 0)
  }
  /// False before true.
  public static func sortsBefore(_ lhs: Bool, _ rhs: Bool) -> Bool { !lhs && rhs }
}

/// The zigzag mapping of `sint32` and `sint64`, which sends 0, -1, 1, -2 to 0, 1, 2, 3.
public enum ZigZag {
  /// Maps a signed 32-bit value to its zigzag form.
  @inlinable public static func encode32(_ value: Int32) -> UInt32 {
    UInt32(bitPattern: (value << 1) ^ (value >> 31))
  }
  /// Maps a zigzag form back to the signed 32-bit value.
  @inlinable public static func decode32(_ value: UInt32) -> Int32 {
    Int32(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
  }
  /// Maps a signed 64-bit value to its zigzag form.
  @inlinable public static func encode64(_ value: Int64) -> UInt64 {
    UInt64(bitPattern: (value << 1) ^ (value >> 63))
  }
  /// Maps a zigzag form back to the signed 64-bit value.
  @inlinable public static func decode64(_ value: UInt64) -> Int64 {
    Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
  }
}
