/// Finds the line and column of a table header or key in configuration text, to point errors at them.
///
/// Only used for messages: it understands `[name]`, `["quoted name"]` and `key = …` lines, and falls
/// back to the table's header or the first line when the text is shaped otherwise.
///
/// The text is split into lines only when a location is asked for: every command validates the
/// file, and splitting it by `Character` cost more than parsing it.
struct TOMLKeyLocator {
  private let text: String

  init(text: String) {
    self.text = text
  }

  /// The 1-based line and column of `key` inside `[table]` (or at the top level when nil).
  func location(ofKey key: String, inTable table: String?) -> (line: Int, column: Int) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var inTarget = table == nil
    var headerLine: Int?
    for (index, rawLine) in lines.enumerated() {
      let indent = rawLine.prefix(while: { $0 == " " || $0 == "\t" }).count
      let line = rawLine.dropFirst(indent)
      if line.hasPrefix("[") {
        let name = Self.headerName(line)
        inTarget = table != nil && name == table
        if inTarget { headerLine = index + 1 }
        if table == nil, name == key { return (index + 1, indent + 1) }
        continue
      }
      if inTarget, Self.keyName(line) == key {
        let valueColumn = line.firstIndex(of: "=").map { line.distance(from: line.startIndex, to: $0) + 1 } ?? 0
        var column = indent + valueColumn + 1
        let afterEquals = line.dropFirst(valueColumn)
        column += afterEquals.prefix(while: { $0 == " " || $0 == "\t" }).count
        return (index + 1, column)
      }
    }
    return (headerLine ?? 1, 1)
  }

  private static func headerName(_ line: Substring) -> String? {
    var body = line.drop(while: { $0 == "[" })
    guard let close = body.firstIndex(of: "]") else { return nil }
    body = body[..<close]
    let trimmed = body.trimmingSpaces()
    if trimmed.count >= 2, let first = trimmed.first, first == "\"" || first == "'", trimmed.last == first {
      return String(trimmed.dropFirst().dropLast())
    }
    return String(trimmed)
  }

  private static func keyName(_ line: Substring) -> String? {
    guard let equals = line.firstIndex(of: "=") else { return nil }
    let key = line[..<equals].trimmingSpaces()
    if key.count >= 2, let first = key.first, first == "\"" || first == "'", key.last == first {
      return String(key.dropFirst().dropLast())
    }
    return String(key)
  }
}

extension Substring {
  /// The text without leading and trailing spaces and tabs.
  func trimmingSpaces() -> Substring {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
      return self[endIndex...]
    }
    return self[first...last]
  }
}

extension String {
  /// The word with "a" or "an" before it: `an integer`, `a string`.
  var withArticle: String {
    guard let first = first else { return self }
    return ("aeiou".contains(first) ? "an " : "a ") + self
  }
}
