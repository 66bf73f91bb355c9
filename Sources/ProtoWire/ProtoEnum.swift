/// A protobuf enum as a Swift enum: named cases for the known numbers plus one that keeps any other.
///
/// Generated enums have a case per value and `case unrecognized(Int32)`; `init(rawValue:)` never
/// fails, so numbers a newer peer sends survive decoding and re-encoding. Equality and hashing
/// go by number, so `.unrecognized(1)` equals the case numbered 1.
public protocol ProtoEnum: Sendable, Hashable {
  /// The value for a number; numbers without a case become the unrecognized case.
  init(rawValue: Int32)
  /// The number sent on the wire.
  var rawValue: Int32 { get }
  /// Every named case, in declaration order.
  static var knownCases: [Self] { get }
  /// The protobuf name of a named case (`CLIENT_TYPE_CLIENT`), nil for an unrecognized number.
  var protoName: String? { get }
}

extension ProtoEnum {
  /// Compares by number.
  public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }
  /// Hashes the number.
  public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
  /// True when the number has no named case in this schema.
  public var isUnrecognized: Bool { protoName == nil }
}
