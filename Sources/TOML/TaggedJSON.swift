/// The tagged JSON of the toml-test suite: tables become objects, arrays become arrays, and each
/// scalar becomes `{"type": T, "value": "<text>"}`.
public enum TaggedJSON {
  /// The tagged JSON for a table, keys in document order, on one line.
  public static func render(_ table: TOMLTable) -> String {
    var out = ""
    write(.table(table), to: &out)
    return out
  }

  /// The tagged JSON for a single value.
  public static func render(_ value: TOMLValue) -> String {
    var out = ""
    write(value, to: &out)
    return out
  }

  /// The type tag for a scalar: string, integer, float, bool, datetime, datetime-local,
  /// date-local or time-local; nil for arrays and tables.
  public static func tag(of value: TOMLValue) -> String? {
    switch value {
    case .string: "string"
    case .integer: "integer"
    case .float: "float"
    case .boolean: "bool"
    case .dateTime(let dateTime):
      switch dateTime.kind {
      case .offsetDateTime: "datetime"
      case .localDateTime: "datetime-local"
      case .localDate: "date-local"
      case .localTime: "time-local"
      }
    case .array, .table: nil
    }
  }

  /// The text of a scalar's `value` field: floats as `inf`, `-inf`, `nan` or a round-tripping
  /// decimal; date-times in RFC 3339 form.
  public static func text(of value: TOMLValue) -> String {
    switch value {
    case .string(let string): string
    case .integer(let integer): String(integer)
    case .float(let float): FloatSyntax.format(float)
    case .boolean(let boolean): boolean ? "true" : "false"
    case .dateTime(let dateTime): dateTime.description
    case .array, .table: ""
    }
  }

  /// Appends the tagged JSON for `value` to `out`.
  private static func write(_ value: TOMLValue, to out: inout String) {
    switch value {
    case .table(let table):
      out += "{"
      for (position, entry) in table.storage.enumerated() {
        if position > 0 { out += "," }
        writeString(entry.key, to: &out)
        out += ":"
        write(entry.value, to: &out)
      }
      out += "}"
    case .array(let elements):
      out += "["
      for (position, element) in elements.enumerated() {
        if position > 0 { out += "," }
        write(element, to: &out)
      }
      out += "]"
    default:
      out += "{\"type\":"
      writeString(tag(of: value) ?? "", to: &out)
      out += ",\"value\":"
      writeString(text(of: value), to: &out)
      out += "}"
    }
  }

  /// Appends `text` as a JSON string literal.
  private static func writeString(_ text: String, to out: inout String) {
    KeySyntax.appendQuoted(text, to: &out)
  }
}
