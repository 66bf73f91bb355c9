/// A TOML 1.0.0 parser over UTF-8 bytes: the document's lines, keys, headers, arrays and inline
/// tables.
///
/// Strings, numbers and date-times live in the extensions beside this file.
struct Parser {
  /// The input.
  let bytes: UnsafeBufferPointer<UInt8>
  /// The number of input bytes.
  let end: Int
  /// The position of the next byte to read.
  var pos = 0
  /// The nesting and size bounds.
  let limits: TOMLLimits
  /// The tables built so far.
  var tree: TableTree
  /// The table that `key = value` lines go into.
  var section = 0
  /// The number of key parts from the root to `section`.
  var sectionDepth = 0
  /// Statement positions, recorded only when the editor asks for them.
  var layout: DocumentLayout?
  /// A reusable buffer for strings that hold escapes or normalised line ends.
  var scratch: [UInt8] = []
  /// Strings already made for repeated bare keys.
  var keyCache = KeyCache()

  /// Creates a parser over `bytes`; pass `recordLayout` to collect statement positions.
  init(bytes: UnsafeBufferPointer<UInt8>, limits: TOMLLimits, recordLayout: Bool = false) {
    self.bytes = bytes
    self.end = bytes.count
    self.limits = limits
    self.layout = recordLayout ? DocumentLayout() : nil
    tree = TableTree(forBytes: bytes.count)
  }

  /// Parses a whole document (decoding the tables) and returns its root table.
  static func parse(
    _ bytes: UnsafeBufferPointer<UInt8>, limits: TOMLLimits
  ) throws(TOMLError) -> TOMLTable {
    var parser = Parser(bytes: bytes, limits: limits)
    try parser.parseDocument()
    return parser.tree.materialize(0)
  }

  // MARK: - Errors

  /// An error of `code` at byte `offset`.
  func error(_ code: TOMLError.Code, _ message: String, at offset: Int) -> TOMLError {
    let location = SourceLocation(of: offset, in: bytes)
    return TOMLError(code: code, message: message, line: location.line, column: location.column)
  }

  /// The error for a table-definition conflict reported by the tree.
  func error(_ conflict: TableTree.Conflict) -> TOMLError {
    var message = conflict.message
    if let first = conflict.firstOffset {
      message += " (\(conflict.firstLabel) at line \(SourceLocation(of: first, in: bytes).line))"
    }
    return error(conflict.code, message, at: conflict.offset)
  }

  /// The error for finding the byte at `offset` where `expected` should be.
  func unexpected(_ expected: String, at offset: Int) -> TOMLError {
    guard offset < end else { return error(.syntax, "expected \(expected), found the end of the input", at: offset) }
    let byte = bytes[offset]
    if byte >= 0x80, case .failure(let failure) = utf8Length(at: offset) { return failure }
    return error(.syntax, "expected \(expected), found \(describe(at: offset))", at: offset)
  }

  /// The character at `offset` for a message: `'x'`, "a newline", "control character U+0001".
  func describe(at offset: Int) -> String {
    guard offset < end else { return "the end of the input" }
    let byte = bytes[offset]
    switch byte {
    case ASCII.lineFeed, ASCII.carriageReturn: return "a newline"
    case ASCII.tab: return "a tab"
    case ASCII.space: return "a space"
    default: break
    }
    if ASCII.isForbiddenControl(byte) { return "control character \(Self.codePoint(UInt32(byte)))" }
    if byte < 0x80 { return "'\(Character(Unicode.Scalar(byte)))'" }
    guard case .success(let length) = utf8Length(at: offset) else { return "byte 0x\(String(byte, radix: 16))" }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
    let scalar = text.unicodeScalars.first.map { Self.codePoint($0.value) } ?? ""
    return "'\(text)' (\(scalar))"
  }

  /// `U+XXXX` for a code point.
  static func codePoint(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }

  /// The length of the valid UTF-8 sequence starting at `offset` (its first byte is >= 0x80).
  func utf8Length(at offset: Int) -> Result<Int, TOMLError> {
    let first = bytes[offset]
    let length: Int
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch first {
    case 0xC2...0xDF: length = 2
    case 0xE0: length = 3; low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED: length = 3; high = 0x9F
    case 0xF0: length = 4; low = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4: length = 4; high = 0x8F
    default:
      return .failure(
        error(
          .invalidUTF8, "invalid UTF-8: byte 0x\(String(first, radix: 16, uppercase: true)) cannot start a character",
          at: offset))
    }
    guard offset + length <= end else {
      return .failure(error(.invalidUTF8, "invalid UTF-8: the input ends inside a character", at: offset))
    }
    for position in offset + 1..<offset + length {
      let byte = bytes[position]
      let (min, max) = position == offset + 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
      guard byte >= min && byte <= max else {
        return .failure(
          error(
            .invalidUTF8,
            "invalid UTF-8: byte 0x\(String(byte, radix: 16, uppercase: true)) is not a valid continuation",
            at: position))
      }
    }
    return .success(length)
  }

  /// Skips the valid UTF-8 sequence at `pos` (its first byte is >= 0x80) or throws.
  @inline(__always) mutating func skipUTF8() throws(TOMLError) {
    pos += try utf8Length(at: pos).get()
  }

  // MARK: - Lines

  /// The byte at `offset`, or 0 past the end.
  @inline(__always) func byte(at offset: Int) -> UInt8 { offset < end ? bytes[offset] : 0 }

  /// Skips spaces and tabs.
  @inline(__always) mutating func skipBlanks() {
    while pos < end, bytes[pos] == ASCII.space || bytes[pos] == ASCII.tab { pos += 1 }
  }

  /// Skips a comment starting at `pos` (a `#`), leaving `pos` at the line end.
  mutating func skipComment() throws(TOMLError) {
    pos += 1
    while pos < end {
      // Plain printable ASCII in a tight loop first.
      while pos < end && bytes[pos] &- ASCII.space < ASCII.delete &- ASCII.space { pos += 1 }
      guard pos < end else { return }
      let byte = bytes[pos]
      if byte == ASCII.tab {
        pos += 1
      } else if byte >= 0x80 {
        try skipUTF8()
      } else if byte == ASCII.lineFeed || byte == ASCII.carriageReturn {
        return
      } else {
        throw error(
          .controlCharacter,
          "control character \(Self.codePoint(UInt32(byte))) is not allowed in a comment", at: pos)
      }
    }
  }

  /// Consumes a line end (LF or CRLF) at `pos`, which holds LF or CR.
  @inline(__always) mutating func consumeNewline() throws(TOMLError) {
    if bytes[pos] == ASCII.carriageReturn {
      guard byte(at: pos + 1) == ASCII.lineFeed else {
        throw error(.syntax, "a carriage return must be followed by a line feed", at: pos)
      }
      pos += 2
    } else {
      pos += 1
    }
  }

  /// Ends a statement: optional blanks and comment, then a line end or the end of the input.
  mutating func finishLine(after what: String) throws(TOMLError) {
    skipBlanks()
    guard pos < end else { return }
    if bytes[pos] == ASCII.hash {
      try skipComment()
      guard pos < end else { return }
    }
    let byte = bytes[pos]
    guard byte == ASCII.lineFeed || byte == ASCII.carriageReturn else {
      throw unexpected("a newline or a comment after \(what)", at: pos)
    }
    try consumeNewline()
  }

  /// Skips blanks, newlines and comments, as allowed between array elements.
  mutating func skipBlanksNewlinesAndComments() throws(TOMLError) {
    while pos < end {
      switch bytes[pos] {
      case ASCII.space, ASCII.tab: pos += 1
      case ASCII.lineFeed, ASCII.carriageReturn: try consumeNewline()
      case ASCII.hash: try skipComment()
      default: return
      }
    }
  }

  // MARK: - Document

  /// Parses every statement of the document.
  mutating func parseDocument() throws(TOMLError) {
    if end > limits.maxInputBytes {
      throw TOMLError(
        code: .limitExceeded,
        message: "the input is \(end) bytes, more than the limit of \(limits.maxInputBytes) bytes",
        line: 1, column: 1)
    }
    if end >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { pos = 3 }
    while pos < end {
      switch bytes[pos] {
      case ASCII.space, ASCII.tab:
        pos += 1
      case ASCII.lineFeed, ASCII.carriageReturn:
        try consumeNewline()
      case ASCII.hash:
        try skipComment()
      case ASCII.leftBracket:
        try parseHeader()
        try finishLine(after: "the table header")
      default:
        try parseKeyValueLine()
        try finishLine(after: "the value")
      }
    }
  }

  /// Parses `[a.b]` or `[[a.b]]` and makes that table the current section.
  mutating func parseHeader() throws(TOMLError) {
    let start = pos
    pos += 1
    let isArray = byte(at: pos) == ASCII.leftBracket
    if isArray { pos += 1 }
    skipBlanks()
    let key = try parseKey(depth: 0)
    skipBlanks()
    guard byte(at: pos) == ASCII.rightBracket else {
      throw unexpected("'\(isArray ? "]]" : "]")' to close the table header", at: pos)
    }
    pos += 1
    if isArray {
      guard byte(at: pos) == ASCII.rightBracket else {
        throw unexpected("']]' to close the array of tables header", at: pos)
      }
      pos += 1
    }
    let opened: (node: Int, inArray: Bool)
    do {
      opened = try tree.open(header: key, isArray: isArray, offset: start)
    } catch {
      throw self.error(error)
    }
    section = opened.node
    sectionDepth = key.count
    if layout != nil {
      layout?.headers.append(
        DocumentLayout.Header(
          path: key.parts, isArray: isArray, inArray: opened.inArray, start: start, end: pos))
    }
  }

  /// Parses `key = value` into the current section.
  mutating func parseKeyValueLine() throws(TOMLError) {
    let start = pos
    let key = try parseKey(depth: sectionDepth)
    let valueStart = try parseEquals(after: key)
    let value = try parseValue(depth: sectionDepth + key.count)
    do {
      try tree.insert(value, at: key, into: section, offset: start)
    } catch {
      throw self.error(error)
    }
    if let headers = layout?.headers {
      layout?.keyValues.append(
        DocumentLayout.KeyValue(
          section: headers.isEmpty ? nil : headers.count - 1,
          path: (headers.last?.path ?? []) + key.parts, start: start, valueStart: valueStart,
          valueEnd: pos))
    }
  }

  /// Consumes blanks, `=` and blanks after `key`, checks a value follows on the same line, and
  /// returns the offset where the value starts.
  mutating func parseEquals(after key: DottedKey) throws(TOMLError) -> Int {
    skipBlanks()
    guard byte(at: pos) == ASCII.equals else {
      throw unexpected("'=' after key '\(key.text)'", at: pos)
    }
    pos += 1
    skipBlanks()
    if pos >= end || bytes[pos] == ASCII.lineFeed || bytes[pos] == ASCII.carriageReturn
      || bytes[pos] == ASCII.hash
    {
      throw error(.syntax, "missing value after '=' for key '\(key.text)'", at: pos)
    }
    return pos
  }

  // MARK: - Keys

  /// Parses a dotted key whose parts, added to `depth`, must stay within the depth limit.
  mutating func parseKey(depth: Int) throws(TOMLError) -> DottedKey {
    let start = pos
    let first = try parseSimpleKey()
    var key = DottedKey(first.string, tag: first.tag)
    while true {
      let save = pos
      skipBlanks()
      guard byte(at: pos) == ASCII.dot else {
        pos = save
        return key
      }
      pos += 1
      skipBlanks()
      key.rest.append(try parseSimpleKey())
      if depth + key.count > limits.maxDepth {
        throw error(
          .limitExceeded, "the key nests deeper than the limit of \(limits.maxDepth) levels",
          at: start)
      }
    }
  }

  /// Parses one part of a key: bare, "basic" or 'literal'; returns it with its `KeyTag`.
  mutating func parseSimpleKey() throws(TOMLError) -> (string: String, tag: UInt32) {
    let start = pos
    while pos < end && ASCII.isBareKey(bytes[pos]) { pos += 1 }
    if pos > start { return keyCache.key(bytes, from: start, to: pos) }
    let byte = byte(at: pos)
    if byte == ASCII.quote || byte == ASCII.apostrophe {
      if self.byte(at: pos + 1) == byte && self.byte(at: pos + 2) == byte {
        throw error(.syntax, "a multi-line string cannot be a key", at: pos)
      }
      let string = try parseString(multiline: false)
      return (string, KeyTag.of(string))
    }
    if byte == ASCII.equals { throw error(.syntax, "missing key before '='", at: pos) }
    throw unexpected("a key (letters, digits, '_', '-' or a quoted string)", at: pos)
  }

  // MARK: - Values

  /// Parses the value at `pos`; `depth` counts the levels above it.
  mutating func parseValue(depth: Int) throws(TOMLError) -> TOMLValue {
    switch byte(at: pos) {
    case ASCII.quote, ASCII.apostrophe:
      let multiline = byte(at: pos + 1) == bytes[pos] && byte(at: pos + 2) == bytes[pos]
      return .string(try parseString(multiline: multiline))
    case ASCII.lowerT:
      return .boolean(try parseKeyword("true", value: true))
    case ASCII.lowerF:
      return .boolean(try parseKeyword("false", value: false))
    case ASCII.leftBracket:
      return .array(try parseArray(depth: depth + 1))
    case ASCII.leftBrace:
      return .table(try parseInlineTable(depth: depth + 1))
    case ASCII.plus, ASCII.minus, ASCII.lowerI, ASCII.lowerN, ASCII.zero...ASCII.zero + 9:
      return try parseNumberOrDateTime()
    default:
      throw unexpected(
        "a value (a string, number, boolean, date-time, array or inline table)", at: pos)
    }
  }

  /// Parses `word` (`true` or `false`) and returns `value`.
  mutating func parseKeyword(_ word: StaticString, value: Bool) throws(TOMLError) -> Bool {
    let length = word.utf8CodeUnitCount
    let matches =
      pos + length <= end
      && word.withUTF8Buffer { expected in
        (0..<length).allSatisfy { bytes[pos + $0] == expected[$0] }
      }
    guard matches, !ASCII.isBareKey(byte(at: pos + length)) else {
      throw unexpected("a value (booleans are written true or false)", at: pos)
    }
    pos += length
    return value
  }

  /// Throws when `depth` exceeds the nesting limit at `offset`.
  func checkDepth(_ depth: Int, at offset: Int) throws(TOMLError) {
    if depth > limits.maxDepth {
      throw error(
        .limitExceeded, "arrays and tables nest deeper than the limit of \(limits.maxDepth) levels",
        at: offset)
    }
  }

  /// Parses `[a, b, c]`, which may span lines and hold comments.
  mutating func parseArray(depth: Int) throws(TOMLError) -> [TOMLValue] {
    let open = pos
    try checkDepth(depth, at: open)
    pos += 1
    var elements: [TOMLValue] = []
    elements.reserveCapacity(4)
    while true {
      try skipBlanksNewlinesAndComments()
      guard pos < end else {
        throw error(
          .syntax,
          "the array opened at line \(SourceLocation(of: open, in: bytes).line) is not closed with ']'",
          at: pos)
      }
      if bytes[pos] == ASCII.rightBracket { break }
      elements.append(try parseValue(depth: depth))
      try skipBlanksNewlinesAndComments()
      if byte(at: pos) == ASCII.comma {
        pos += 1
      } else if byte(at: pos) == ASCII.rightBracket {
        break
      } else {
        throw unexpected("',' or ']' after an array element", at: pos)
      }
    }
    pos += 1
    return elements
  }

  /// Parses `{ a = 1, b.c = 2 }`, which must stay on one line.
  mutating func parseInlineTable(depth: Int) throws(TOMLError) -> TOMLTable {
    let open = pos
    try checkDepth(depth, at: open)
    pos += 1
    let node = tree.openInline()
    skipBlanks()
    if byte(at: pos) == ASCII.rightBrace {
      pos += 1
      return tree.closeInline(node)
    }
    while true {
      skipBlanks()
      try rejectLineBreakInInlineTable()
      let start = pos
      let key = try parseKey(depth: depth)
      let _ = try parseEquals(after: key)
      let value = try parseValue(depth: depth + key.count)
      do {
        try tree.insert(value, at: key, into: node, offset: start)
      } catch {
        throw self.error(error)
      }
      skipBlanks()
      try rejectLineBreakInInlineTable()
      if byte(at: pos) == ASCII.rightBrace { break }
      guard byte(at: pos) == ASCII.comma else {
        throw unexpected("',' or '}' after a value in an inline table", at: pos)
      }
      pos += 1
      skipBlanks()
      if byte(at: pos) == ASCII.rightBrace {
        throw error(.syntax, "an inline table cannot end with a trailing comma", at: pos)
      }
    }
    pos += 1
    return tree.closeInline(node)
  }

  /// Throws a clear error when an inline table is broken across lines or holds a comment.
  func rejectLineBreakInInlineTable() throws(TOMLError) {
    let byte = byte(at: pos)
    if byte == ASCII.lineFeed || byte == ASCII.carriageReturn || byte == ASCII.hash {
      throw error(
        .syntax, "an inline table must be on one line (no newlines or comments inside '{ }')",
        at: pos)
    }
    if pos >= end { throw error(.syntax, "the inline table is not closed with '}'", at: pos) }
  }
}
