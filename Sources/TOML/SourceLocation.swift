/// Line and column of a byte offset, computed only when an error needs them.
struct SourceLocation {
  /// The 1-based line.
  var line: Int
  /// The 1-based column, in Unicode characters (UTF-8 continuation bytes do not count).
  var column: Int

  /// Locates `offset` (clamped to the input) in `bytes`.
  init(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) {
    let offset = min(max(offset, 0), bytes.count)
    var line = 1
    var lineStart = 0
    for position in 0..<offset where bytes[position] == ASCII.lineFeed {
      line += 1
      lineStart = position + 1
    }
    // A byte-order mark is not a character of the first line.
    if lineStart == 0 && bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
      && offset >= 3
    {
      lineStart = 3
    }
    var column = 1
    for position in lineStart..<offset where bytes[position] & 0xC0 != 0x80 { column += 1 }
    self.line = line
    self.column = column
  }
}
