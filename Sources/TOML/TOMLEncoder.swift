/// Writes a `TOMLTable` as readable TOML text.
///
/// Top-level keys come first, then each table as a `[section]` (a table holding only other
/// tables gets no header of its own), arrays of tables as `[[section]]` blocks, and everything
/// nested inside arrays inline. Keys are quoted only when they need to be, strings use escapes,
/// floats print the shortest text that reads back as the same double (`inf`, `-inf`, `nan`
/// TOML-style). `TOMLDecoder().decode(TOMLEncoder().encode(table)) == table` for every table.
public struct TOMLEncoder: Sendable {
  /// Creates an encoder.
  public init() {}

  /// The document for `table`, ending with a newline (empty for an empty table).
  public func encode(_ table: TOMLTable) -> String {
    var out = ""
    writeBody(of: table, path: [], to: &out)
    return out
  }

  /// One value written inline, as it appears after `key = `: `"text"`, `42`, `[1, 2]`, `{ a = 1 }`.
  public func encodeInline(_ value: TOMLValue) -> String {
    var out = ""
    Self.writeInline(value, to: &out)
    return out
  }

  /// Whether `value` is written as its own section rather than inline.
  static func isSection(_ value: TOMLValue) -> Bool {
    switch value {
    case .table: return true
    case .array(let elements): return !elements.isEmpty && elements.allSatisfy { $0.tableValue != nil }
    default: return false
    }
  }

  /// Writes the keys of `table` (whose path is `path`), then its sections.
  private func writeBody(of table: TOMLTable, path: [String], to out: inout String) {
    for entry in table.storage where !Self.isSection(entry.value) {
      let (key, value) = (entry.key, entry.value)
      out += KeySyntax.format(key) + " = "
      Self.writeInline(value, to: &out)
      out += "\n"
    }
    for entry in table.storage where Self.isSection(entry.value) {
      let (key, value) = (entry.key, entry.value)
      let childPath = path + [key]
      let name = KeySyntax.format(path: childPath)
      switch value {
      case .table(let child):
        // A table holding only sub-sections is created implicitly by their headers.
        let needsHeader = child.isEmpty || child.storage.contains { !Self.isSection($0.value) }
        if needsHeader { writeHeader("[\(name)]", to: &out) }
        writeBody(of: child, path: childPath, to: &out)
      case .array(let elements):
        for case .table(let element) in elements {
          writeHeader("[[\(name)]]", to: &out)
          writeBody(of: element, path: childPath, to: &out)
        }
      default:
        break
      }
    }
  }

  /// Writes a header line, after a blank line unless it starts the document.
  private func writeHeader(_ header: String, to out: inout String) {
    if !out.isEmpty { out += "\n" }
    out += header + "\n"
  }

  /// Appends `value` in inline form.
  static func writeInline(_ value: TOMLValue, to out: inout String) {
    switch value {
    case .string(let string):
      KeySyntax.appendQuoted(string, to: &out)
    case .integer(let integer):
      out += String(integer)
    case .float(let float):
      out += FloatSyntax.format(float)
    case .boolean(let boolean):
      out += boolean ? "true" : "false"
    case .dateTime(let dateTime):
      out += dateTime.description
    case .array(let elements):
      out += "["
      for (position, element) in elements.enumerated() {
        if position > 0 { out += ", " }
        writeInline(element, to: &out)
      }
      out += "]"
    case .table(let table):
      if table.isEmpty {
        out += "{}"
        return
      }
      out += "{ "
      for (position, entry) in table.storage.enumerated() {
        if position > 0 { out += ", " }
        out += KeySyntax.format(entry.key) + " = "
        writeInline(entry.value, to: &out)
      }
      out += " }"
    }
  }
}
