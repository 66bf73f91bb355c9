/// A JSON value, as JOSE headers, claims and keys hold them.
package enum JSONValue: Sendable, Equatable {
  /// `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// A number (JSON does not tell integers apart; `integer` reads one back).
  case number(Double)
  /// A string.
  case string(String)
  /// An array.
  case array([JSONValue])
  /// An object; key order is not kept (serialisation sorts the keys).
  case object([String: JSONValue])

  /// Parses one JSON text (RFC 8259) from UTF-8 bytes; duplicate object keys are refused, since a
  /// signed header or claim set that reads two ways is an attack.
  package init(parsing bytes: [UInt8]) throws(JOSEError) {
    var parser = JSONParser(bytes)
    self = try parser.parseDocument()
  }

  /// The string, or `nil` for another kind of value.
  package var string: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The number as an `Int` when it is a whole number in range, else `nil`.
  package var integer: Int? {
    guard case .number(let value) = self, value.rounded() == value, abs(value) < 9.007_199_254_740_992e15 else {
      return nil
    }
    return Int(value)
  }

  /// The members, or `nil` for another kind of value.
  package var object: [String: JSONValue]? {
    if case .object(let value) = self { return value }
    return nil
  }

  /// The elements, or `nil` for another kind of value.
  package var array: [JSONValue]? {
    if case .array(let value) = self { return value }
    return nil
  }

  /// Compact JSON with object keys sorted (by UTF-8 bytes), the form RFC 7638 thumbprints need.
  package var serialized: String {
    var output = ""
    write(to: &output)
    return output
  }

  /// `serialized` as UTF-8 bytes.
  package var serializedBytes: [UInt8] { Array(serialized.utf8) }

  private func write(to output: inout String) {
    switch self {
    case .null: output += "null"
    case .bool(let value): output += value ? "true" : "false"
    case .number(let value): output += Self.format(value)
    case .string(let value): Self.writeString(value, to: &output)
    case .array(let elements):
      output += "["
      for (index, element) in elements.enumerated() {
        if index > 0 { output += "," }
        element.write(to: &output)
      }
      output += "]"
    case .object(let members):
      output += "{"
      for (index, key) in members.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }).enumerated() {
        if index > 0 { output += "," }
        Self.writeString(key, to: &output)
        output += ":"
        members[key]?.write(to: &output)
      }
      output += "}"
    }
  }

  /// Whole numbers print without a fraction (`1700000000`, not `1.7e9`), as JWT times are read.
  private static func format(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    if value.rounded() == value && abs(value) < 9.007_199_254_740_992e15 { return String(Int64(value)) }
    return String(value)
  }

  private static func writeString(_ value: String, to output: inout String) {
    output += "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }
}
