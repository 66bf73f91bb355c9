/// A TOML document that can be edited without disturbing its formatting.
///
/// Each edit changes only the bytes it must: a replaced value keeps its key, indentation and
/// trailing comment; a new key goes after the last key line of its table; a new table goes at the
/// end after one blank line; removals take whole lines. Every other byte, comment, blank line and
/// key order stays as it was, and so does the line ending style (LF or CRLF).
///
/// After every edit the new text is decoded again and compared with the intended contents; when
/// they differ, or the text would not parse, the edit throws `TOMLError` with code
/// `.unsupportedEdit` and the document stays unchanged. An edit never produces a wrong document.
///
/// ```swift
/// var document = try TOMLDocument(text)
/// try document.setValue(.string("ak-NEW"), forKey: "token_id", inTable: ["alice-ws"])
/// try document.removeValue(forKey: "active", inTable: ["bob-ws"])
/// ```
public struct TOMLDocument: Sendable {
  /// The current text.
  public private(set) var text: String
  /// The decoded current contents.
  public private(set) var table: TOMLTable
  /// The bounds used whenever the text is parsed.
  public let limits: TOMLLimits

  /// Parses `text`, which must be valid TOML.
  public init(_ text: String, limits: TOMLLimits = .default) throws(TOMLError) {
    let document = try DocumentText(text, limits: limits)
    self.text = text
    self.table = document.table
    self.limits = limits
  }

  // MARK: - Edits

  /// Sets `key` in the table at `tablePath` (empty for the top level) to `value`.
  ///
  /// An existing `key = value` line gets the new value in place; inside an inline table, that
  /// inline table is rewritten; otherwise the key is added after the last key line of the table,
  /// or in a new `[table]` section at the end of the document when the table has none.
  public mutating func setValue(
    _ value: TOMLValue, forKey key: String, inTable tablePath: [String] = []
  ) throws(TOMLError) {
    let document = try DocumentText(text, limits: limits)
    var expected = document.table
    try expected.modifyTable(at: tablePath[...], creating: true) { $0[key] = value }
    let path = tablePath + [key]
    let splice = try planSet(value, path: path, expected: expected, in: document)
    try commit([splice], in: document, expecting: [expected], what: "setting '\(KeySyntax.format(path: path))'")
  }

  /// Removes `key` from the table at `tablePath` with its whole line or lines (a multi-line value,
  /// a table's sections, the dotted keys below it), and returns its old value; does nothing and
  /// returns nil when there is no such key.
  @discardableResult
  public mutating func removeValue(
    forKey key: String, inTable tablePath: [String] = []
  ) throws(TOMLError) -> TOMLValue? {
    let document = try DocumentText(text, limits: limits)
    let path = tablePath + [key]
    guard let old = try document.table.value(at: path[...]) else { return nil }
    try remove(path, from: document)
    return old
  }

  /// Adds an empty `[table]` section at the end of the document; does nothing when a table already
  /// exists at `path`.
  public mutating func addTable(_ path: [String]) throws(TOMLError) {
    guard !path.isEmpty else { return }
    let document = try DocumentText(text, limits: limits)
    if let existing = try document.table.value(at: path[...]) {
      guard existing.tableValue != nil else {
        throw Self.unsupported(
          "'\(KeySyntax.format(path: path))' is already \(existing.typeNameWithArticle), not a table")
      }
      return
    }
    var expected = document.table
    try expected.modifyTable(at: path[...], creating: true) { _ in }
    let splice = appendSection(header: path, lines: [], in: document)
    try commit([splice], in: document, expecting: [expected], what: "adding table [\(KeySyntax.format(path: path))]")
  }

  /// Removes the table at `path`: the comment lines directly above its header (unless they open the
  /// document, where they describe the file), the header line and the body up to the comments
  /// directly above the next header (which belong to that header), its sub-tables, and any dotted
  /// keys or inline table defining it.
  ///
  /// Returns whether a table was removed.
  @discardableResult
  public mutating func removeTable(_ path: [String]) throws(TOMLError) -> Bool {
    guard !path.isEmpty else { throw Self.unsupported("the root table cannot be removed") }
    let document = try DocumentText(text, limits: limits)
    guard let existing = try document.table.value(at: path[...]) else { return false }
    guard TOMLEncoder.isSection(existing) else {
      throw Self.unsupported(
        "'\(KeySyntax.format(path: path))' is \(existing.typeNameWithArticle), not a table; use removeValue")
    }
    try remove(path, from: document)
    return true
  }

  // MARK: - Planning

  /// A replacement of the bytes in `range` by `replacement`.
  private struct Splice {
    var range: Range<Int>
    var replacement: String
  }

  /// The key-value statements that can be addressed by path: those outside arrays of tables.
  private static func addressable(_ document: DocumentText) -> [DocumentLayout.KeyValue] {
    document.layout.keyValues.filter { statement in
      guard let section = statement.section else { return true }
      let header = document.layout.headers[section]
      return !header.isArray && !header.inArray
    }
  }

  /// The change that sets `path` to `value`, given the contents `expected` afterwards.
  private func planSet(
    _ value: TOMLValue, path: [String], expected: TOMLTable, in document: DocumentText
  ) throws(TOMLError) -> Splice {
    let statements = Self.addressable(document)
    let encoder = TOMLEncoder()
    // A line that defines the key itself, or an inline table holding it: rewrite its value.
    if let statement = statements.filter({ path.starts(with: $0.path) }).max(by: { $0.path.count < $1.path.count }) {
      let newValue = try expected.value(at: statement.path[...]) ?? value
      return Splice(
        range: statement.valueStart..<statement.valueEnd, replacement: encoder.encodeInline(newValue))
    }
    let tablePath = Array(path.dropLast())
    if try document.table.value(at: path[...]) != nil {
      throw Self.unsupported(
        "'\(KeySyntax.format(path: path))' is a table defined by headers or dotted keys, not by one "
          + "'key = value' line; remove it first")
    }
    let line = KeySyntax.format(path.last ?? "") + " = " + encoder.encodeInline(value)
    // The table's own [header]: after its last key line, or right after the header.
    if let headerIndex = document.layout.headers.firstIndex(where: {
      !$0.isArray && !$0.inArray && $0.path == tablePath
    }) {
      let header = document.layout.headers[headerIndex]
      if let last = statements.last(where: { $0.section == headerIndex }) {
        return insertLine(line, after: last.valueEnd, indentedLike: last.start, in: document)
      }
      return insertLine(line, after: header.end, indentedLike: header.start, in: document)
    }
    if tablePath.isEmpty {
      if let last = statements.last(where: { $0.section == nil }) {
        return insertLine(line, after: last.valueEnd, indentedLike: last.start, in: document)
      }
      if let first = document.layout.headers.first {
        // Before the first header and the comments attached to it, followed by a blank line.
        let start = document.attachedCommentStart(above: document.lineStart(of: first.start))
        let lineEnding = document.lineEnding
        return Splice(range: start..<start, replacement: line + lineEnding + lineEnding)
      }
      return appendLines([line], in: document, separated: false)
    }
    // A table made by dotted keys: another dotted key after the last of them.
    let sectionDepth = { (statement: DocumentLayout.KeyValue) in
      statement.section.map { document.layout.headers[$0].path.count } ?? 0
    }
    if let last = statements.last(where: {
      $0.path.count > tablePath.count && $0.path.starts(with: tablePath) && sectionDepth($0) < tablePath.count
    }) {
      let sectionDepth = sectionDepth(last)
      let relative = KeySyntax.format(path: Array(path.dropFirst(sectionDepth)))
      return insertLine(
        relative + " = " + encoder.encodeInline(value), after: last.valueEnd, indentedLike: last.start,
        in: document)
    }
    return appendSection(header: tablePath, lines: [line], in: document)
  }

  /// Inserts `line` on a new line after the line holding `offset`, indented like the line
  /// holding `model`.
  private func insertLine(
    _ line: String, after offset: Int, indentedLike model: Int, in document: DocumentText
  ) -> Splice {
    let position = document.nextLineStart(after: offset)
    var replacement = document.indentation(ofLineAt: model) + line + document.lineEnding
    if position == document.bytes.count && !document.endsWithNewline {
      replacement = document.lineEnding + replacement
    }
    return Splice(range: position..<position, replacement: replacement)
  }

  /// Appends `lines` at the end of the document, after one blank line when `separated`.
  private func appendLines(_ lines: [String], in document: DocumentText, separated: Bool) -> Splice {
    let lineEnding = document.lineEnding
    var replacement = ""
    if !document.endsWithNewline { replacement += lineEnding }
    if separated && !document.endsWithBlankLine { replacement += lineEnding }
    replacement += lines.map { $0 + lineEnding }.joined()
    let end = document.bytes.count
    return Splice(range: end..<end, replacement: replacement)
  }

  /// Appends a `[header]` section holding `lines` at the end of the document.
  private func appendSection(header: [String], lines: [String], in document: DocumentText) -> Splice {
    appendLines(["[\(KeySyntax.format(path: header))]"] + lines, in: document, separated: true)
  }

  /// Removes everything defining `path`, or rewrites the inline table holding it.
  private mutating func remove(_ path: [String], from document: DocumentText) throws(TOMLError) {
    var expected = document.table
    let tablePath = path.dropLast()
    try expected.modifyTable(at: tablePath, creating: false) { $0[path.last ?? ""] = nil }
    // Without the key, tables that existed only to hold it may vanish too; that is intended.
    var pruned = expected
    for length in stride(from: tablePath.count, to: 0, by: -1) {
      let ancestor = Array(path.prefix(length))
      if let value = try? pruned.value(at: ancestor[...]), value.tableValue?.isEmpty == true {
        _ = try? pruned.modifyTable(at: ancestor.dropLast()[...], creating: false) { $0[ancestor[length - 1]] = nil }
      } else {
        break
      }
    }
    let statements = Self.addressable(document)
    let what = "removing '\(KeySyntax.format(path: path))'"
    if let holder = statements.first(where: { $0.path.count < path.count && path.starts(with: $0.path) }) {
      // The key lives in an inline table: rewrite that inline table.
      let newValue = try expected.value(at: holder.path[...]) ?? .table(TOMLTable())
      let splice = Splice(
        range: holder.valueStart..<holder.valueEnd, replacement: TOMLEncoder().encodeInline(newValue))
      try commit([splice], in: document, expecting: [expected, pruned], what: what)
      return
    }
    var ranges: [Range<Int>] = []
    for statement in statements where statement.path.starts(with: path) {
      ranges.append(document.lineStart(of: statement.start)..<document.nextLineStart(after: statement.valueEnd))
    }
    let headers = document.layout.headers
    for (index, header) in headers.enumerated() where header.path.starts(with: path) {
      // The comments directly above the header go with it, unless they open the document.
      var start = document.attachedCommentStart(above: document.lineStart(of: header.start))
      if start == document.contentStart { start = document.lineStart(of: header.start) }
      var end = document.bytes.count
      if index + 1 < headers.count {
        end = document.attachedCommentStart(above: document.lineStart(of: headers[index + 1].start))
      }
      ranges.append(start..<max(start, end))
    }
    let splices = Self.merged(ranges).map { Splice(range: $0, replacement: "") }
    let reachesEnd = splices.contains { $0.range.upperBound == document.bytes.count }
    try commit(
      splices, in: document, expecting: [expected, pruned], what: what, trimTrailingBlankLines: reachesEnd)
  }

  /// `ranges` sorted, with overlapping or touching ranges joined.
  private static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
    var result: [Range<Int>] = []
    for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
      if let last = result.last, range.lowerBound <= last.upperBound {
        result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
      } else {
        result.append(range)
      }
    }
    return result
  }

  // MARK: - Committing

  /// Applies `splices`, checks that the new text decodes to one of `expected`, and adopts it;
  /// throws `.unsupportedEdit` (leaving the document unchanged) otherwise.
  private mutating func commit(
    _ splices: [Splice], in document: DocumentText, expecting expected: [TOMLTable], what: String,
    trimTrailingBlankLines: Bool = false
  ) throws(TOMLError) {
    var bytes = document.bytes
    for splice in splices.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
      bytes.replaceSubrange(splice.range, with: Array(splice.replacement.utf8))
    }
    if trimTrailingBlankLines { Self.trimTrailingBlankLines(&bytes, contentStart: document.contentStart) }
    let newText = String(decoding: bytes, as: UTF8.self)
    let decoded: TOMLTable
    do {
      decoded = try TOMLDecoder(limits: limits).decode(newText)
    } catch {
      throw Self.unsupported(
        "\(what) cannot be done in place: the result would not be valid TOML (\(error)); the document is unchanged")
    }
    guard expected.contains(decoded) else {
      throw Self.unsupported(
        "\(what) cannot be done in place without changing other values; the document is unchanged")
    }
    text = newText
    table = decoded
  }

  /// Removes blank lines at the end of `bytes`, keeping the line ending of the last content line.
  private static func trimTrailingBlankLines(_ bytes: inout [UInt8], contentStart: Int) {
    var end = bytes.count
    var lastContentEnd = contentStart
    var position = contentStart
    var lineHasContent = false
    while position < end {
      let byte = bytes[position]
      if byte == ASCII.lineFeed {
        if lineHasContent { lastContentEnd = position + 1 }
        lineHasContent = false
      } else if byte != ASCII.space && byte != ASCII.tab && byte != ASCII.carriageReturn {
        lineHasContent = true
      }
      position += 1
    }
    if lineHasContent { lastContentEnd = end }
    end = lastContentEnd
    bytes.removeSubrange(end...)
  }

  /// An `.unsupportedEdit` error without a position.
  static func unsupported(_ message: String) -> TOMLError {
    TOMLError(code: .unsupportedEdit, message: message, line: 0, column: 0)
  }
}
