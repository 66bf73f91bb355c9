/// The six wire types of the protobuf encoding (the low three bits of every tag).
public enum WireType: UInt8, Sendable, Hashable, CaseIterable {
  /// Variable-length integer: int32, int64, uint32, uint64, sint32, sint64, bool, enum.
  case varint = 0
  /// Eight little-endian bytes: fixed64, sfixed64, double.
  case fixed64 = 1
  /// A varint length followed by that many bytes: string, bytes, messages, packed repeated fields.
  case lengthDelimited = 2
  /// Start of a proto2 group (only ever skipped or kept as an unknown field here).
  case startGroup = 3
  /// End of a proto2 group.
  case endGroup = 4
  /// Four little-endian bytes: fixed32, sfixed32, float.
  case fixed32 = 5
}

/// A decoded field key: the field number and the wire type of the value that follows.
public struct FieldTag: Sendable, Hashable {
  /// The field number, 1 through 536,870,911.
  public let number: Int
  /// How the value that follows is encoded.
  public let wireType: WireType
  /// The byte offset of the tag in the input (used for error messages and unknown fields).
  public let offset: Int

  /// Creates a tag value.
  public init(number: Int, wireType: WireType, offset: Int) {
    self.number = number
    self.wireType = wireType
    self.offset = offset
  }

  /// The largest field number protobuf allows (2^29 - 1).
  public static let maxFieldNumber = 536_870_911
}

/// Limits applied while decoding untrusted input.
public struct ProtoDecodingOptions: Sendable, Hashable {
  /// How deeply messages and groups may nest (the top-level message is depth 0).
  public var maxDepth: Int
  /// The largest input accepted, in bytes.
  public var maxSize: Int

  /// Creates options; the defaults are a depth of 100 and 64 MiB.
  public init(maxDepth: Int = 100, maxSize: Int = 64 << 20) {
    self.maxDepth = maxDepth
    self.maxSize = maxSize
  }
}
