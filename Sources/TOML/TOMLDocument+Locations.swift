extension TOMLDocument {
  /// Where a key or table is written: the 1-based line and column of the first character of its
  /// `key = value` statement's key, or of its `[table]` header's `[`. `path` is the full key
  /// path (`["server", "port"]` for `port` under `[server]`). Nil when the path is not written
  /// as a statement of its own (a key inside an inline table, a table only implied by dotted keys).
  ///
  /// For messages about values that are valid TOML but wrong for the program reading them, so
  /// they can say `file:line:column` as the parser's own errors do.
  public func location(ofKey path: [String]) -> (line: Int, column: Int)? {
    guard let document = try? DocumentText(text, limits: limits) else { return nil }
    let offset =
      document.layout.keyValues.first { $0.path == path }?.start
      ?? document.layout.headers.first { $0.path == path }?.start
    guard let offset else { return nil }
    let location = document.bytes.withUnsafeBufferPointer { SourceLocation(of: offset, in: $0) }
    return (location.line, location.column)
  }
}
