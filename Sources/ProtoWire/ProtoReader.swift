/// Reads protobuf wire format from a borrowed buffer; the decoding half that generated code drives.
///
/// A reader is only valid inside the `withUnsafeBytes` scope of the buffer it reads. Every read
/// checks bounds; malformed input throws a ``ProtoWireError`` and never traps.
public struct ProtoReader {
  /// The whole input; offsets in errors are relative to its start.
  @usableFromInline let buffer: UnsafeRawBufferPointer
  /// The next byte to read.
  @usableFromInline var position: Int
  /// One past the last byte this reader may read (a sub-message ends before the whole input).
  @usableFromInline let end: Int
  /// How deeply this reader is nested: 0 for the top-level message.
  public let depth: Int
  /// The limits in force.
  public let options: ProtoDecodingOptions

  /// Creates a reader over a whole input, checking it against the size limit.
  public init(buffer: UnsafeRawBufferPointer, options: ProtoDecodingOptions = ProtoDecodingOptions())
    throws(ProtoWireError)
  {
    guard buffer.count <= options.maxSize else {
      throw ProtoWireError(
        .sizeLimitExceeded, "input of \(buffer.count) bytes exceeds the limit of \(options.maxSize) bytes", offset: 0)
    }
    self.init(buffer: buffer, position: 0, end: buffer.count, depth: 0, options: options)
  }

  @usableFromInline init(
    buffer: UnsafeRawBufferPointer, position: Int, end: Int, depth: Int, options: ProtoDecodingOptions
  ) {
    self.buffer = buffer
    self.position = position
    self.end = end
    self.depth = depth
    self.options = options
  }

  /// True when every byte of this reader's range has been consumed.
  public var isAtEnd: Bool { position >= end }

  /// The absolute offset of the next byte to read.
  public var offset: Int { position }

  // MARK: Primitives

  /// Reads a base-128 varint of at most 10 bytes.
  @inlinable
  public mutating func readVarint() throws(ProtoWireError) -> UInt64 {
    let start = position
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard position < end else {
        throw ProtoWireError(.truncated, "truncated varint at byte \(start)", offset: start)
      }
      let byte = buffer[position]
      position += 1
      result |= UInt64(byte & 0x7F) << shift
      if byte < 0x80 { return result }
      shift += 7
      if shift >= 70 {
        throw ProtoWireError(.malformedVarint, "varint at byte \(start) is longer than 10 bytes", offset: start)
      }
    }
  }

  /// Reads four little-endian bytes.
  @inlinable
  public mutating func readFixed32() throws(ProtoWireError) -> UInt32 {
    guard end - position >= 4 else {
      throw ProtoWireError(.truncated, "truncated fixed32 at byte \(position)", offset: position)
    }
    let value = buffer.loadUnaligned(fromByteOffset: position, as: UInt32.self)
    position += 4
    return UInt32(littleEndian: value)
  }

  /// Reads eight little-endian bytes.
  @inlinable
  public mutating func readFixed64() throws(ProtoWireError) -> UInt64 {
    guard end - position >= 8 else {
      throw ProtoWireError(.truncated, "truncated fixed64 at byte \(position)", offset: position)
    }
    let value = buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self)
    position += 8
    return UInt64(littleEndian: value)
  }

  /// Reads a varint length and returns the absolute range of the bytes it announces, moving past them.
  public mutating func readLengthDelimitedRange() throws(ProtoWireError) -> Range<Int> {
    let start = position
    let length = try readVarint()
    guard length <= UInt64(Int32.max) else {
      throw ProtoWireError(.invalidLength, "length \(length) at byte \(start) is larger than 2 GiB", offset: start)
    }
    let count = Int(length)
    guard count <= end - position else {
      throw ProtoWireError(
        .truncated,
        "length-delimited value at byte \(start) announces \(count) bytes but only \(end - position) remain",
        offset: start)
    }
    position += count
    return (position - count)..<position
  }

  /// Reads a length-delimited value and returns its bytes (borrowed from the input).
  public mutating func readLengthDelimitedBytes() throws(ProtoWireError) -> UnsafeRawBufferPointer {
    let range = try readLengthDelimitedRange()
    return UnsafeRawBufferPointer(rebasing: buffer[range])
  }

  // MARK: Tags

  /// Reads the next tag, or returns nil at the end of this reader's range.
  ///
  /// An end-group tag here has no matching start-group tag and is an error.
  public mutating func nextField() throws(ProtoWireError) -> FieldTag? {
    if position >= end { return nil }
    let tag = try readTag()
    if tag.wireType == .endGroup {
      throw ProtoWireError(
        .unmatchedGroup, "end-group tag for field \(tag.number) at byte \(tag.offset) has no start-group tag",
        offset: tag.offset)
    }
    return tag
  }

  mutating func readTag() throws(ProtoWireError) -> FieldTag {
    let start = position
    let raw = try readVarint()
    guard raw <= UInt64(UInt32.max) else {
      throw ProtoWireError(.malformedVarint, "tag at byte \(start) does not fit in 32 bits", offset: start)
    }
    guard let wireType = WireType(rawValue: UInt8(raw & 7)) else {
      throw ProtoWireError(.invalidWireType, "invalid wire type \(raw & 7) at byte \(start)", offset: start)
    }
    let number = Int(raw >> 3)
    guard number >= 1 else {
      throw ProtoWireError(.invalidFieldNumber, "field number 0 at byte \(start)", offset: start)
    }
    return FieldTag(number: number, wireType: wireType, offset: start)
  }

  /// Throws unless `tag` has the wire type a field of that declared type must have.
  @inlinable
  public func expect(_ tag: FieldTag, _ wireType: WireType) throws(ProtoWireError) {
    guard tag.wireType == wireType else { throw Self.wrongWireType(tag, expected: wireType) }
  }

  @usableFromInline
  static func wrongWireType(_ tag: FieldTag, expected: WireType) -> ProtoWireError {
    ProtoWireError(
      .wrongWireType,
      "field \(tag.number) has wire type \(tag.wireType.rawValue) but expects \(expected.rawValue) (tag at byte \(tag.offset))",
      offset: tag.offset)
  }

  // MARK: Nesting

  /// Reads a length-delimited value and returns a reader confined to it, one level deeper.
  public mutating func subReader(for tag: FieldTag) throws(ProtoWireError) -> ProtoReader {
    try expect(tag, .lengthDelimited)
    let range = try readLengthDelimitedRange()
    return try nested(range: range, at: tag.offset)
  }

  func nested(range: Range<Int>, at offset: Int) throws(ProtoWireError) -> ProtoReader {
    guard depth < options.maxDepth else {
      throw ProtoWireError(
        .depthLimitExceeded, "nesting deeper than \(options.maxDepth) levels at byte \(offset)", offset: offset)
    }
    return ProtoReader(
      buffer: buffer, position: range.lowerBound, end: range.upperBound, depth: depth + 1, options: options)
  }

  // MARK: Unknown fields

  /// Skips the value of `tag` and keeps the tag and value bytes in `unknownFields`.
  public mutating func skip(_ tag: FieldTag, into unknownFields: inout UnknownFields) throws(ProtoWireError) {
    try skipValue(tag)
    unknownFields.append(UnsafeRawBufferPointer(rebasing: buffer[tag.offset..<position]))
  }

  /// Skips the value of `tag` without keeping it.
  public mutating func skipValue(_ tag: FieldTag) throws(ProtoWireError) {
    switch tag.wireType {
    case .varint: _ = try readVarint()
    case .fixed64: _ = try readFixed64()
    case .fixed32: _ = try readFixed32()
    case .lengthDelimited: _ = try readLengthDelimitedRange()
    case .startGroup: try skipGroup(tag)
    case .endGroup:
      throw ProtoWireError(
        .unmatchedGroup, "end-group tag for field \(tag.number) at byte \(tag.offset) has no start-group tag",
        offset: tag.offset)
    }
  }

  mutating func skipGroup(_ start: FieldTag) throws(ProtoWireError) {
    var inner = try nested(range: position..<end, at: start.offset)
    while true {
      guard inner.position < inner.end else {
        throw ProtoWireError(
          .unmatchedGroup, "group for field \(start.number) starting at byte \(start.offset) never ends",
          offset: start.offset)
      }
      let tag = try inner.readTag()
      if tag.wireType == .endGroup {
        guard tag.number == start.number else {
          throw ProtoWireError(
            .unmatchedGroup,
            "end-group tag for field \(tag.number) at byte \(tag.offset) closes the group of field \(start.number)",
            offset: tag.offset)
        }
        position = inner.position
        return
      }
      try inner.skipValue(tag)
    }
  }
}
