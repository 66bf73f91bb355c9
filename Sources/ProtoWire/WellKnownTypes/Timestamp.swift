/// `google.protobuf.Timestamp`: a point in time as seconds and nanoseconds since the Unix epoch (UTC).
public struct Timestamp: ProtoMessage, Hashable {
  /// `google.protobuf.Timestamp`.
  public static var protoMessageName: String { "google.protobuf.Timestamp" }
  /// Whole seconds since 1970-01-01T00:00:00Z (field 1, int64).
  public var seconds: Int64 = 0
  /// Non-negative nanoseconds within the second, 0 through 999,999,999 (field 2, int32).
  public var nanos: Int32 = 0
  /// Fields a newer schema might add, kept for re-encoding.
  public var unknownFields = UnknownFields()

  /// The epoch.
  public init() {}

  /// A timestamp from its two parts.
  public init(seconds: Int64, nanos: Int32 = 0) {
    self.seconds = seconds
    self.nanos = nanos
  }

  /// A timestamp from fractional seconds since the epoch (nanoseconds rounded, always non-negative).
  public init(secondsSince1970 value: Double) {
    let whole = value.rounded(.down)
    var nanos = ((value - whole) * 1_000_000_000).rounded()
    var seconds = whole
    if nanos >= 1_000_000_000 {
      nanos -= 1_000_000_000
      seconds += 1
    }
    self.seconds = Int64(exactly: seconds) ?? (seconds < 0 ? Int64.min : Int64.max)
    self.nanos = Int32(nanos)
  }

  /// Fractional seconds since the epoch (loses precision below a microsecond for present-day times).
  public var secondsSince1970: Double { Double(seconds) + Double(nanos) / 1_000_000_000 }

  /// Reads fields 1 and 2; keeps any other as unknown.
  public mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError) {
    while let tag = try reader.nextField() {
      switch tag.number {
      case 1: seconds = try reader.read(ProtoInt64.self, tag)
      case 2: nanos = try reader.read(ProtoInt32.self, tag)
      default: try reader.skip(tag, into: &unknownFields)
      }
    }
  }

  /// Writes the non-zero parts, then the unknown fields.
  public func encodeFields(to writer: inout ProtoWriter) {
    writer.writeIfNotDefault(ProtoInt64.self, field: 1, seconds)
    writer.writeIfNotDefault(ProtoInt32.self, field: 2, nanos)
    writer.writeUnknownFields(unknownFields)
  }
}
