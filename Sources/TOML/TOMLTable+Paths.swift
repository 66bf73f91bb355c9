/// Reading and changing nested tables by key path, as the document editor needs.
extension TOMLTable {
  /// The value at `path` (nil when a key is missing); throws when the path runs through a value
  /// that is not a table.
  func value(at path: ArraySlice<String>) throws(TOMLError) -> TOMLValue? {
    guard let first = path.first else { return .table(self) }
    guard let value = self[first] else { return nil }
    if path.count == 1 { return value }
    guard case .table(let child) = value else {
      throw Self.notATable(value, at: Array(path.prefix(1)))
    }
    return try child.value(at: path.dropFirst())
  }

  /// Runs `body` on the table at `path`, creating missing tables when `creating`; returns whether
  /// the table was found (or created).
  ///
  /// `done` is the part of the path already walked.
  @discardableResult
  mutating func modifyTable(
    at path: ArraySlice<String>, creating: Bool, done: [String] = [],
    _ body: (inout TOMLTable) throws(TOMLError) -> Void
  ) throws(TOMLError) -> Bool {
    guard let first = path.first else {
      try body(&self)
      return true
    }
    var child: TOMLTable
    switch self[first] {
    case .table(let existing)?:
      child = existing
    case nil:
      guard creating else { return false }
      child = TOMLTable()
    case let other?:
      throw Self.notATable(other, at: done + [first])
    }
    // Release this table's copy so the child is modified in place.
    self[first] = .boolean(false)
    let found = try child.modifyTable(at: path.dropFirst(), creating: creating, done: done + [first], body)
    self[first] = .table(child)
    return found
  }

  /// The error for a path that runs into `value`, which is not a table.
  static func notATable(_ value: TOMLValue, at path: [String]) -> TOMLError {
    let name = KeySyntax.format(path: path)
    let what =
      value.arrayValue.map { $0.allSatisfy { $0.tableValue != nil } && !$0.isEmpty }
        == true
      ? "an array of tables (TOMLDocument edits standard tables only)" : "\(value.typeNameWithArticle), not a table"
    return TOMLError(
      code: .unsupportedEdit, message: "'\(name)' is \(what)", line: 0, column: 0)
  }
}
