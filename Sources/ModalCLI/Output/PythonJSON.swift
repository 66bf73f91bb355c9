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
    let pad = String(repeating: "  ", count: level + 1)
    let closing = String(repeating: "  ", count: level)
    switch self {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .integer(let number): return String(number)
    case .float(let number):
      if number.isNaN { return "NaN" }
      if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
      return PythonRepr.float(number)
    case .string(let text): return Self.quote(text)
    case .array(let items):
      guard !items.isEmpty else { return "[]" }
      return Self.lines(items.map { pad + $0.rendered(indent: level + 1) }, opening: "[", closing: closing + "]")
    case .object(let members):
      guard !members.isEmpty else { return "{}" }
      let lines = members.map { pad + Self.quote($0.0) + ": " + $0.1.rendered(indent: level + 1) }
      return Self.lines(lines, opening: "{", closing: closing + "}")
    }
  }

  /// `opening`, the lines separated by commas, and `closing`, each on a line of its own. Appended
  /// by hand: `joined(separator:)` looks up String's StringProtocol conformance at run time on first
  /// use, a twentieth of `modal config show`'s own work.
  private static func lines(_ lines: [String], opening: String, closing: String) -> String {
    var out = opening + "\n"
    for index in 0..<lines.count {
      if index > 0 { out += ",\n" }
      out += lines[index]
    }
    return out + "\n" + closing
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
