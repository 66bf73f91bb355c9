/// `string`: length-delimited UTF-8; invalid UTF-8 is a decoding error (proto3 semantics).
public enum ProtoString: ProtoMapKeyCodec {
  /// Length-delimited.
  public static var wireType: WireType { .lengthDelimited }
  /// The empty string.
  public static var defaultValue: String { "" }
  /// Reads and validates the bytes.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> String {
    let start = reader.offset
    let bytes = try reader.readLengthDelimitedBytes()
    if let bad = UTF8Validation.firstInvalidOffset(bytes) {
      let at = reader.offset - bytes.count + bad
      throw ProtoWireError(.invalidUTF8, "invalid UTF-8 at byte \(at) in the string at byte \(start)", offset: at)
    }
    return String(decoding: bytes, as: UTF8.self)
  }
  /// Writes the length and the UTF-8 bytes.
  public static func encode(_ value: String, to writer: inout ProtoWriter) {
    var value = value
    value.withUTF8 { writer.writeLengthDelimited(UnsafeRawBufferPointer($0)) }
  }
  /// Byte-wise order of the UTF-8 encodings (what protoc's deterministic mode uses).
  public static func sortsBefore(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
  }
}

/// `bytes`: length-delimited raw bytes.
public enum ProtoBytes: ProtoScalarCodec {
  /// Length-delimited.
  public static var wireType: WireType { .lengthDelimited }
  /// No bytes.
  public static var defaultValue: [UInt8] { [] }
  /// Reads and copies the bytes.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> [UInt8] {
    Array(try reader.readLengthDelimitedBytes())
  }
  /// Writes the length and the bytes.
  public static func encode(_ value: [UInt8], to writer: inout ProtoWriter) {
    value.withUnsafeBytes { writer.writeLengthDelimited($0) }
  }
}

/// An enum field: an int32 varint mapped to a ``ProtoEnum``; unknown numbers are kept.
public enum ProtoEnumValue<Enum: ProtoEnum>: ProtoScalarCodec {
  /// Varint.
  public static var wireType: WireType { .varint }
  /// The value numbered 0.
  public static var defaultValue: Enum { Enum(rawValue: 0) }
  /// Reads an int32 varint.
  public static func decode(from reader: inout ProtoReader) throws(ProtoWireError) -> Enum {
    Enum(rawValue: try ProtoInt32.decode(from: &reader))
  }
  /// Writes the number as an int32 varint.
  public static func encode(_ value: Enum, to writer: inout ProtoWriter) {
    ProtoInt32.encode(value.rawValue, to: &writer)
  }
  /// True for number 0.
  public static func isDefault(_ value: Enum) -> Bool { value.rawValue == 0 }
}
