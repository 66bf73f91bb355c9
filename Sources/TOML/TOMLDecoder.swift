/// Decodes TOML 1.0.0 text into a `TOMLTable`.
///
/// ```swift
/// let table = try TOMLDecoder().decode("title = \"TOML\"")
/// ```
public struct TOMLDecoder: Sendable {
  /// The bounds on input size and nesting.
  public var limits: TOMLLimits

  /// Creates a decoder with the given limits.
  public init(limits: TOMLLimits = .default) {
    self.limits = limits
  }

  /// Decodes a document.
  public func decode(_ text: String) throws(TOMLError) -> TOMLTable {
    let limits = limits
    let result = text.utf8.withContiguousStorageIfAvailable { buffer in
      Result { () throws(TOMLError) in try Parser.parse(buffer, limits: limits) }
    }
    if let result { return try result.get() }
    return try decode(Array(text.utf8))
  }

  /// Decodes a document from UTF-8 bytes (a leading byte-order mark is skipped).
  public func decode(_ bytes: some Collection<UInt8>) throws(TOMLError) -> TOMLTable {
    let limits = limits
    let result = bytes.withContiguousStorageIfAvailable { buffer in
      Result { () throws(TOMLError) in try Parser.parse(buffer, limits: limits) }
    }
    if let result { return try result.get() }
    return try Array(bytes).withUnsafeBufferPointer { buffer in
      Result { () throws(TOMLError) in try Parser.parse(buffer, limits: limits) }
    }.get()
  }
}
