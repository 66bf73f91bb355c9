/// Builds the binary encoding of a message; the encoding half that generated code drives.
public struct ProtoWriter: Sendable {
  /// The encoded bytes (kept under another name so inlinable writers can append to them).
  @usableFromInline var storage: [UInt8]

  /// The bytes written so far.
  public var bytes: [UInt8] { storage }

  /// An empty writer, optionally with room reserved.
  public init(reservingCapacity capacity: Int = 0) {
    storage = []
    storage.reserveCapacity(capacity)
  }

  // MARK: Primitives

  /// Appends a base-128 varint.
  @inlinable
  public mutating func writeVarint(_ value: UInt64) {
    var value = value
    while value >= 0x80 {
      storage.append(UInt8(truncatingIfNeeded: value) | 0x80)
      value >>= 7
    }
    storage.append(UInt8(value))
  }

  /// Appends four little-endian bytes.
  @inlinable
  public mutating func writeFixed32(_ value: UInt32) {
    withUnsafeBytes(of: value.littleEndian) { storage.append(contentsOf: $0) }
  }

  /// Appends eight little-endian bytes.
  @inlinable
  public mutating func writeFixed64(_ value: UInt64) {
    withUnsafeBytes(of: value.littleEndian) { storage.append(contentsOf: $0) }
  }

  /// Appends a field key.
  @inlinable
  public mutating func writeTag(field: Int, _ wireType: WireType) {
    writeVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
  }

  /// Appends a varint length and the bytes.
  public mutating func writeLengthDelimited(_ value: UnsafeRawBufferPointer) {
    writeVarint(UInt64(value.count))
    storage.append(contentsOf: value)
  }

  /// Appends bytes as they are (already-encoded fields).
  public mutating func writeRaw(_ value: [UInt8]) { storage.append(contentsOf: value) }

  /// Appends a varint length followed by whatever `body` writes.
  ///
  /// One byte is reserved for the length; a longer length is spliced in afterwards.
  public mutating func writeLengthPrefixed(_ body: (inout ProtoWriter) -> Void) {
    let start = storage.count
    storage.append(0)
    body(&self)
    let length = storage.count - start - 1
    if length < 0x80 {
      storage[start] = UInt8(length)
    } else {
      var prefix = ProtoWriter()
      prefix.writeVarint(UInt64(length))
      storage.replaceSubrange(start..<(start + 1), with: prefix.storage)
    }
  }

  // MARK: Scalar fields

  /// Writes a field unconditionally (explicit presence, or a map entry).
  @inlinable
  public mutating func write<Codec: ProtoScalarCodec>(_ codec: Codec.Type, field: Int, _ value: Codec.Value) {
    writeTag(field: field, Codec.wireType)
    Codec.encode(value, to: &self)
  }

  /// Writes a proto3 field without presence, skipping the default value.
  @inlinable
  public mutating func writeIfNotDefault<Codec: ProtoScalarCodec>(
    _ codec: Codec.Type, field: Int, _ value: Codec.Value
  ) {
    if !Codec.isDefault(value) { write(codec, field: field, value) }
  }

  /// Writes a field with presence (proto3 `optional`) when it is set, even to the default.
  @inlinable
  public mutating func write<Codec: ProtoScalarCodec>(_ codec: Codec.Type, field: Int, _ value: Codec.Value?) {
    if let value { write(codec, field: field, value) }
  }

  /// Writes a repeated scalar field: packed for numeric types, one field per value otherwise.
  public mutating func writeRepeated<Codec: ProtoScalarCodec>(
    _ codec: Codec.Type, field: Int, _ values: [Codec.Value]
  ) {
    guard !values.isEmpty else { return }
    if Codec.isPackable {
      writeTag(field: field, .lengthDelimited)
      writeLengthPrefixed { writer in
        for value in values { Codec.encode(value, to: &writer) }
      }
    } else {
      for value in values { write(codec, field: field, value) }
    }
  }

  // MARK: Message fields

  /// Writes a sub-message field.
  public mutating func writeMessage<Message: ProtoMessage>(field: Int, _ message: Message) {
    writeTag(field: field, .lengthDelimited)
    writeLengthPrefixed { message.encodeFields(to: &$0) }
  }

  /// Writes a sub-message field when it is set.
  public mutating func writeMessage<Message: ProtoMessage>(field: Int, _ message: Message?) {
    if let message { writeMessage(field: field, message) }
  }

  /// Writes a repeated sub-message field, one field per element.
  public mutating func writeRepeatedMessage<Message: ProtoMessage>(field: Int, _ messages: [Message]) {
    for message in messages { writeMessage(field: field, message) }
  }

  // MARK: Maps

  /// Writes a map with scalar values as entry messages (key 1, value 2), in sorted key order.
  public mutating func writeMap<Key: ProtoMapKeyCodec, Value: ProtoScalarCodec>(
    _ key: Key.Type, _ value: Value.Type, field: Int, _ map: [Key.Value: Value.Value]
  ) {
    for entryKey in map.keys.sorted(by: Key.sortsBefore) {
      guard let entryValue = map[entryKey] else { continue }
      writeTag(field: field, .lengthDelimited)
      writeLengthPrefixed { writer in
        writer.write(key, field: 1, entryKey)
        writer.write(value, field: 2, entryValue)
      }
    }
  }

  /// Writes a map with message values as entry messages (key 1, value 2), in sorted key order.
  public mutating func writeMessageMap<Key: ProtoMapKeyCodec, Message: ProtoMessage>(
    _ key: Key.Type, field: Int, _ map: [Key.Value: Message]
  ) {
    for entryKey in map.keys.sorted(by: Key.sortsBefore) {
      guard let entryValue = map[entryKey] else { continue }
      writeTag(field: field, .lengthDelimited)
      writeLengthPrefixed { writer in
        writer.write(key, field: 1, entryKey)
        writer.writeMessage(field: 2, entryValue)
      }
    }
  }

  // MARK: Unknown fields

  /// Re-emits fields kept from decoding.
  public mutating func writeUnknownFields(_ fields: UnknownFields) { storage.append(contentsOf: fields.bytes) }
}
