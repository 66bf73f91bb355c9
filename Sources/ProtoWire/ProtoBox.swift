/// An immutable heap box that lets a message contain itself (`Tree.left: Tree?`) as a value type.
///
/// Generated code stores recursive singular message fields in a box and exposes them through a
/// computed property; equality and hashing go by the boxed value.
public final class ProtoBox<Value: Hashable & Sendable>: Hashable, Sendable {
  /// The boxed value.
  public let value: Value

  /// Boxes a value.
  public init(_ value: Value) { self.value = value }

  /// Compares the boxed values.
  public static func == (lhs: ProtoBox, rhs: ProtoBox) -> Bool { lhs === rhs || lhs.value == rhs.value }

  /// Hashes the boxed value.
  public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
