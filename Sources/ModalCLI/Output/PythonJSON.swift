import Modal
import TOML

/// A JSON value as the Python client prints it with `json.dumps(..., indent=2, ensure_ascii=False)`.
indirect enum JSONValue: Equatable {
  case null
  case bool(Bool)
  case integer(Int64)
  case float(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.rendered() == rhs.rendered() }

  /// The JSON of a configuration value: nil is null, tables are objects, date-times are strings.
  init(_ value: TOMLValue?) {
    guard let value else {
      self = .null
      return
    }
    switch value {
    case .string(let text): self = .string(text)
    case .integer(let number): self = .integer(number)
    case .float(let number): self = .float(number)
    case .boolean(let flag): self = .bool(flag)
    case .dateTime(let moment): self = .string(moment.description)
    case .array(let items): self = .array(items.map { JSONValue($0) })
    case .table(let table): self = .object(table.entries.map { ($0.key, JSONValue($0.value)) })
    }
  }

  /// The text, indented by two spaces a level, with Python's separators and number spellings.
  func rendered(indent level: Int = 0) -> String {
    var out = ""
    render(into: &out, level: level)
    return out
  }

  /// Appends the text at nesting `level` to `out`: one string for the whole document, where
  /// joining the members' own strings made a string per member and looked up String's
  /// `StringProtocol` conformance at run time (`joined(separator:)`) on first use.
  private func render(into out: inout String, level: Int) {
    switch self {
    case .null: out += "null"
    case .bool(let flag): out += flag ? "true" : "false"
    case .integer(let number): out += String(number)
    case .float(let number):
      if number.isNaN {
        out += "NaN"
      } else if number.isInfinite {
        out += number < 0 ? "-Infinity" : "Infinity"
      } else {
        out += PythonRepr.float(number)
      }
    case .string(let text): out += Self.quote(text)
    case .array(let items):
      guard !items.isEmpty else { return out += "[]" }
      out += "["
      for index in 0..<items.count {
        Self.startLine(&out, level: level + 1, first: index == 0)
        items[index].render(into: &out, level: level + 1)
      }
      Self.startLine(&out, level: level, first: false, comma: false)
      out += "]"
    case .object(let members):
      guard !members.isEmpty else { return out += "{}" }
      out += "{"
      for index in 0..<members.count {
        Self.startLine(&out, level: level + 1, first: index == 0)
        out += Self.quote(members[index].0) + ": "
        members[index].1.render(into: &out, level: level + 1)
      }
      Self.startLine(&out, level: level, first: false, comma: false)
      out += "}"
    }
  }

  /// Ends the line before (with a comma after an earlier member) and indents the next.
  private static func startLine(_ out: inout String, level: Int, first: Bool, comma: Bool = true) {
    out += first || !comma ? "\n" : ",\n"
    for _ in 0..<level { out += "  " }
  }

  /// The text on one line without spaces, for documents a reader takes whole (credential processes).
  var compact: String {
    switch self {
    case .array(let items): return "[" + items.map(\.compact).joined(separator: ",") + "]"
    case .object(let members): return "{" + members.map { Self.quote($0.0) + ":" + $0.1.compact }.joined(separator: ",") + "}"
    default: return rendered()
    }
  }

  /// A JSON string literal with Python's escapes (non-ASCII kept as it is).
  static func quote(_ text: String) -> String { JSONObjectParser.quoted(text) }
}
