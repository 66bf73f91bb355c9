/// Bounds that keep hostile input from exhausting the stack, memory or time.
public struct TOMLLimits: Sendable, Hashable {
  /// The deepest nesting allowed: table header components, dotted key parts, arrays and inline
  /// tables all count, added together along the path to a value.
  ///
  /// Keep it modest (the parser and the values it builds are recursive); values in the low
  /// thousands are still safe.
  public var maxDepth: Int
  /// The largest input accepted, in bytes.
  public var maxInputBytes: Int

  /// Creates limits; the defaults allow 128 levels of nesting and 64 MiB of input.
  public init(maxDepth: Int = 128, maxInputBytes: Int = 64 * 1024 * 1024) {
    self.maxDepth = maxDepth
    self.maxInputBytes = maxInputBytes
  }

  /// The default limits: 128 levels of nesting and 64 MiB of input.
  public static let `default` = TOMLLimits()
}
