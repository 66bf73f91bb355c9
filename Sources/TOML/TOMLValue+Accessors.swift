/// Typed views of a value, for callers that expect one kind.
extension TOMLValue {
  /// The string, if this is a string.
  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The boolean, if this is a boolean.
  public var boolValue: Bool? {
    if case .boolean(let value) = self { return value }
    return nil
  }

  /// The integer, if this is an integer.
  public var intValue: Int64? {
    if case .integer(let value) = self { return value }
    return nil
  }

  /// The number as a double, if this is a float or an integer.
  public var doubleValue: Double? {
    switch self {
    case .float(let value): return value
    case .integer(let value): return Double(value)
    default: return nil
    }
  }

  /// The date-time, if this is a date-time.
  public var dateTimeValue: TOMLDateTime? {
    if case .dateTime(let value) = self { return value }
    return nil
  }

  /// The table, if this is a table.
  public var tableValue: TOMLTable? {
    if case .table(let value) = self { return value }
    return nil
  }

  /// The elements, if this is an array.
  public var arrayValue: [TOMLValue]? {
    if case .array(let value) = self { return value }
    return nil
  }

  /// The TOML name of this value's type, for messages: "string", "integer", "float", "boolean",
  /// "datetime", "array" or "table".
  public var typeName: String {
    switch self {
    case .string: "string"
    case .integer: "integer"
    case .float: "float"
    case .boolean: "boolean"
    case .dateTime: "datetime"
    case .array: "array"
    case .table: "table"
    }
  }

  /// The type name with its article, for messages: "an integer", "a string".
  var typeNameWithArticle: String {
    switch self {
    case .integer, .array: "an \(typeName)"
    default: "a \(typeName)"
    }
  }
}
