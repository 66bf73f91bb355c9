/// Field-level reads used by generated `decodeFields(from:)` implementations.
extension ProtoReader {
  /// Reads a singular scalar field after checking its wire type.
  @inlinable
  public mutating func read<Codec: ProtoScalarCodec>(_ codec: Codec.Type, _ tag: FieldTag) throws(ProtoWireError)
    -> Codec.Value
  {
    try expect(tag, Codec.wireType)
    return try Codec.decode(from: &self)
  }

  /// Reads a repeated scalar field, accepting both the packed and the one-value-per-field form.
  public mutating func readRepeated<Codec: ProtoScalarCodec>(
    _ codec: Codec.Type, _ tag: FieldTag, into values: inout [Codec.Value]
  ) throws(ProtoWireError) {
    if tag.wireType == .lengthDelimited && Codec.isPackable {
      let range = try readLengthDelimitedRange()
      var packed = ProtoReader(
        buffer: buffer, position: range.lowerBound, end: range.upperBound, depth: depth, options: options)
      while !packed.isAtEnd { values.append(try Codec.decode(from: &packed)) }
    } else {
      values.append(try read(codec, tag))
    }
  }

  /// Reads a sub-message field, merging into the value already there (or a new one).
  public mutating func readMessage<Message: ProtoMessage>(_ tag: FieldTag, into message: inout Message?)
    throws(ProtoWireError)
  {
    var value = message ?? Message()
    try readMessage(tag, into: &value)
    message = value
  }

  /// Reads a sub-message field, merging into `message`.
  public mutating func readMessage<Message: ProtoMessage>(_ tag: FieldTag, into message: inout Message)
    throws(ProtoWireError)
  {
    var sub = try subReader(for: tag)
    try message.decodeFields(from: &sub)
  }

  /// Reads one element of a repeated sub-message field and appends it.
  public mutating func readRepeatedMessage<Message: ProtoMessage>(_ tag: FieldTag, into messages: inout [Message])
    throws(ProtoWireError)
  {
    var value = Message()
    try readMessage(tag, into: &value)
    messages.append(value)
  }

  /// Reads one map entry with a scalar value; a missing key or value takes its default, a repeated key overwrites.
  public mutating func readMapEntry<Key: ProtoMapKeyCodec, Value: ProtoScalarCodec>(
    _ key: Key.Type, _ value: Value.Type, _ tag: FieldTag, into map: inout [Key.Value: Value.Value]
  ) throws(ProtoWireError) {
    var entry = try subReader(for: tag)
    var entryKey = Key.defaultValue
    var entryValue = Value.defaultValue
    while let field = try entry.nextField() {
      switch field.number {
      case 1: entryKey = try entry.read(key, field)
      case 2: entryValue = try entry.read(value, field)
      default: try entry.skipValue(field)
      }
    }
    map[entryKey] = entryValue
  }

  /// Reads one map entry with a message value; a missing key or value takes its default.
  public mutating func readMessageMapEntry<Key: ProtoMapKeyCodec, Message: ProtoMessage>(
    _ key: Key.Type, _ tag: FieldTag, into map: inout [Key.Value: Message]
  ) throws(ProtoWireError) {
    var entry = try subReader(for: tag)
    var entryKey = Key.defaultValue
    var entryValue = Message()
    while let field = try entry.nextField() {
      switch field.number {
      case 1: entryKey = try entry.read(key, field)
      case 2: try entry.readMessage(field, into: &entryValue)
      default: try entry.skipValue(field)
      }
    }
    map[entryKey] = entryValue
  }
}
