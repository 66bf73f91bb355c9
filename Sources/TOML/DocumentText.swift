/// The bytes of a document with line-level geometry and the statement layout, for the editor.
struct DocumentText {
  /// The UTF-8 bytes.
  let bytes: [UInt8]
  /// Where each statement lies.
  let layout: DocumentLayout
  /// The decoded contents.
  let table: TOMLTable
  /// The document's line ending: CRLF when its first line ends so, LF otherwise.
  let lineEnding: String
  /// The byte where content starts (3 after a byte-order mark, else 0).
  let contentStart: Int
  /// The line ranges occupied by statements (header lines, key-value lines with all the lines of
  /// a multi-line value), in document order.
  let statementLines: [Range<Int>]

  /// Parses `text`, recording the layout.
  init(_ text: String, limits: TOMLLimits) throws(TOMLError) {
    let bytes = Array(text.utf8)
    let parsed = try bytes.withUnsafeBufferPointer { buffer in
      Result { () throws(TOMLError) -> (TOMLTable, DocumentLayout) in
        var parser = Parser(bytes: buffer, limits: limits, recordLayout: true)
        try parser.parseDocument()
        return (parser.tree.materialize(0), parser.layout ?? DocumentLayout())
      }
    }.get()
    self.bytes = bytes
    table = parsed.0
    layout = parsed.1
    contentStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    if let newline = bytes.firstIndex(of: ASCII.lineFeed), newline > 0,
      bytes[newline - 1] == ASCII.carriageReturn
    {
      lineEnding = "\r\n"
    } else {
      lineEnding = "\n"
    }
    var lines: [Range<Int>] = []
    var headerIndex = 0
    var keyIndex = 0
    // Merge headers and key-values in document order.
    while headerIndex < layout.headers.count || keyIndex < layout.keyValues.count {
      let takeHeader =
        keyIndex >= layout.keyValues.count
        || (headerIndex < layout.headers.count
          && layout.headers[headerIndex].start < layout.keyValues[keyIndex].start)
      let (start, end): (Int, Int)
      if takeHeader {
        (start, end) = (layout.headers[headerIndex].start, layout.headers[headerIndex].end)
        headerIndex += 1
      } else {
        (start, end) = (layout.keyValues[keyIndex].start, layout.keyValues[keyIndex].valueEnd)
        keyIndex += 1
      }
      lines.append(
        Self.lineStart(of: start, in: bytes, floor: contentStart)..<Self.nextLineStart(after: end, in: bytes))
    }
    statementLines = lines
  }

  /// The start of the line holding `offset`, never before `floor`.
  static func lineStart(of offset: Int, in bytes: [UInt8], floor: Int) -> Int {
    var position = offset
    while position > floor && bytes[position - 1] != ASCII.lineFeed { position -= 1 }
    return position
  }

  /// The start of the line after the one holding `offset` (the end of the text on the last line).
  static func nextLineStart(after offset: Int, in bytes: [UInt8]) -> Int {
    var position = offset
    while position < bytes.count && bytes[position] != ASCII.lineFeed { position += 1 }
    return min(position + 1, bytes.count)
  }

  /// The start of the line holding `offset`.
  func lineStart(of offset: Int) -> Int { Self.lineStart(of: offset, in: bytes, floor: contentStart) }

  /// The start of the line after the one holding `offset`.
  func nextLineStart(after offset: Int) -> Int { Self.nextLineStart(after: offset, in: bytes) }

  /// The start of the line before the one starting at `lineStart`, or nil at the first line.
  func previousLineStart(before lineStart: Int) -> Int? {
    guard lineStart > contentStart else { return nil }
    return self.lineStart(of: lineStart - 1)
  }

  /// Whether the line starting at `lineStart` holds only blanks.
  func isBlankLine(at lineStart: Int) -> Bool {
    var position = lineStart
    while position < bytes.count {
      switch bytes[position] {
      case ASCII.space, ASCII.tab, ASCII.carriageReturn: position += 1
      case ASCII.lineFeed: return true
      default: return false
      }
    }
    return true
  }

  /// Whether the line starting at `lineStart` is a comment line outside any statement.
  func isFreeCommentLine(at lineStart: Int) -> Bool {
    guard !statementLines.contains(where: { $0.contains(lineStart) }) else { return false }
    var position = lineStart
    while position < bytes.count && (bytes[position] == ASCII.space || bytes[position] == ASCII.tab) {
      position += 1
    }
    return position < bytes.count && bytes[position] == ASCII.hash
  }

  /// The start of the block of comment lines directly above the line at `lineStart` (no blank
  /// line between), or `lineStart` itself when there is none.
  func attachedCommentStart(above lineStart: Int) -> Int {
    var start = lineStart
    while let previous = previousLineStart(before: start), isFreeCommentLine(at: previous) {
      start = previous
    }
    return start
  }

  /// The indentation (spaces and tabs) at the start of the line holding `offset`.
  func indentation(ofLineAt offset: Int) -> String {
    let start = lineStart(of: offset)
    var end = start
    while end < bytes.count && (bytes[end] == ASCII.space || bytes[end] == ASCII.tab) { end += 1 }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  /// Whether the text ends with a line ending (or is empty).
  var endsWithNewline: Bool { bytes.count <= contentStart || bytes.last == ASCII.lineFeed }

  /// Whether the last line of the text is blank (true for an empty text).
  var endsWithBlankLine: Bool {
    guard bytes.count > contentStart else { return true }
    guard endsWithNewline else { return false }
    let lastLine = lineStart(of: bytes.count - 1)
    return isBlankLine(at: lastLine)
  }
}
