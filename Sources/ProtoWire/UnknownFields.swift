/// Fields a message's schema does not know, kept as their exact wire bytes (tag and value).
///
/// Decoding appends them in the order they arrive; encoding writes them back after the known
/// fields, so a message passes through a peer with an older schema unchanged.
public struct UnknownFields: Sendable, Hashable {
  /// The concatenated tag-and-value bytes.
  public private(set) var bytes: [UInt8]

  /// No unknown fields.
  public init() { bytes = [] }

  /// Unknown fields from already-encoded tag-and-value bytes.
  public init(bytes: [UInt8]) { self.bytes = bytes }

  /// True when there are none.
  public var isEmpty: Bool { bytes.isEmpty }

  /// Appends one encoded field.
  public mutating func append(_ field: UnsafeRawBufferPointer) { bytes.append(contentsOf: field) }

  /// Removes them all.
  public mutating func removeAll() { bytes.removeAll() }
}
