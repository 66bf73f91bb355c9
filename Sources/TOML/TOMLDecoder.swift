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

  /// Decodes a document from UTF-8 bytes in an array (a leading byte-order mark is skipped).
  ///
  /// The same as the generic overload without its `Result`: instantiating `Result<_, TOMLError>`
  /// makes the runtime look up TOMLError's `Error` conformance, which is a scan of every
  /// conformance record in the process on first use (a configuration file read at start).
  public func decode(_ bytes: [UInt8]) throws(TOMLError) -> TOMLTable {
    let limits = limits
    var failure: TOMLError?
    let table = bytes.withUnsafeBufferPointer { buffer -> TOMLTable? in
      do throws(TOMLError) {
        return try Parser.parse(buffer, limits: limits)
      } catch {
        failure = error
        return nil
      }
    }
    if let table { return table }
    guard let failure else { preconditionFailure("the TOML parser returned neither a table nor an error") }
    throw failure
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
