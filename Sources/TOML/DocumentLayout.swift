/// Where each top-level statement of a document lies, recorded for the format-preserving editor.
struct DocumentLayout {
  /// A `[table]` or `[[array]]` header.
  struct Header {
    /// The table's key path.
    var path: [String]
    /// Whether this is an `[[array of tables]]` header.
    var isArray: Bool
    /// Whether the table lies inside an array of tables (so a path alone does not name it).
    var inArray: Bool
    /// Byte offset of the opening `[`.
    var start: Int
    /// Byte offset just past the closing `]`.
    var end: Int
  }

  /// A `key = value` line outside inline tables.
  struct KeyValue {
    /// The index in `headers` of the section holding the statement, or nil for the root.
    var section: Int?
    /// The full path of the key: the section's path followed by the key's parts.
    var path: [String]
    /// Byte offset where the key starts.
    var start: Int
    /// Byte offset where the value starts.
    var valueStart: Int
    /// Byte offset just past the value.
    var valueEnd: Int
  }

  /// Headers in document order.
  var headers: [Header] = []
  /// Key-value statements in document order.
  var keyValues: [KeyValue] = []
}
