package import TOML

/// Python's spellings of values (`repr`, `str`, truthiness, type names, float formatting), so that
/// messages and JSON match the Python client's character for character.
package enum PythonRepr {
  /// Python's `repr(x)` of the value as the `toml` package would load it.
  package static func of(_ value: TOMLValue) -> String {
    switch value {
    case .string(let text): return string(text)
    case .integer(let number): return String(number)
    case .float(let number): return float(number)
    case .boolean(let flag): return flag ? "True" : "False"
    case .dateTime(let moment): return "'\(moment)'"
    case .array(let items): return "[" + items.map(of).joined(separator: ", ") + "]"
    case .table(let table):
      return "{" + table.entries.map { string($0.key) + ": " + of($0.value) }.joined(separator: ", ") + "}"
    }
  }

  /// Python's `str(x)`: like `repr` but a string is itself.
  static func str(_ value: TOMLValue) -> String {
    if case .string(let text) = value { return text }
    if case .dateTime(let moment) = value { return moment.description }
    return of(value)
  }

  /// Python's `bool(x)`.
  package static func isTruthy(_ value: TOMLValue) -> Bool {
    switch value {
    case .string(let text): return !text.isEmpty
    case .integer(let number): return number != 0
    case .float(let number): return number != 0
    case .boolean(let flag): return flag
    case .dateTime: return true
    case .array(let items): return !items.isEmpty
    case .table(let table): return !table.isEmpty
    }
  }

  /// The Python type name of the value, as in `'int' object has no attribute 'upper'`.
  static func typeName(_ value: TOMLValue) -> String {
    switch value {
    case .string: return "str"
    case .integer: return "int"
    case .float: return "float"
    case .boolean: return "bool"
    case .dateTime: return "datetime"
    case .array: return "list"
    case .table: return "dict"
    }
  }

  /// Python's `repr` of a string: single quotes unless the text holds `'` and no `"`.
  static func string(_ text: String) -> String {
    let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
    var out = String(quote)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if Character(scalar) == quote {
          out += "\\" + String(quote)
        } else if scalar.value < 0x20 || scalar.value == 0x7F {
          out += "\\x" + hex(scalar.value, width: 2)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out.append(quote)
    return out
  }

  /// Python's `repr` of a float: the shortest digits that round-trip, in fixed notation for
  /// decimal exponents from -4 to 15 and in scientific notation (`1e+16`, `1e-05`) otherwise.
  package static func float(_ number: Double) -> String {
    if number.isNaN { return "nan" }
    if number.isInfinite { return number < 0 ? "-inf" : "inf" }
    if number == 0 { return number.sign == .minus ? "-0.0" : "0.0" }
    let (negative, digits, exponent) = shortestDigits(number)
    var out = negative ? "-" : ""
    // `exponent` is the power of ten of the first digit.
    if exponent < -4 || exponent >= 16 {
      out += String(digits.first!)
      if digits.count > 1 { out += "." + digits.dropFirst() }
      out += exponent < 0 ? "e-" : "e+"
      let magnitude = String(abs(exponent))
      out += magnitude.count < 2 ? "0" + magnitude : magnitude
    } else if exponent < 0 {
      out += "0." + String(repeating: "0", count: -exponent - 1) + digits
    } else if digits.count > exponent + 1 {
      out += digits.prefix(exponent + 1) + "." + digits.dropFirst(exponent + 1)
    } else {
      out += digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
    }
    return out
  }

  /// The sign, the shortest round-trip significant digits, and the decimal exponent of the first
  /// digit, read from Swift's own shortest representation.
  private static func shortestDigits(_ number: Double) -> (Bool, String, Int) {
    var text = Substring(number.magnitude.description)
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      exponent = Int(text[text.index(after: e)...]) ?? 0
      text = text[..<e]
    }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let integerPart = parts[0]
    let fractionPart = parts.count > 1 ? parts[1] : ""
    var digits = String(integerPart) + fractionPart
    var pointPosition = integerPart.count + exponent
    while digits.first == "0" {
      digits.removeFirst()
      pointPosition -= 1
    }
    while digits.count > 1 && digits.last == "0" { digits.removeLast() }
    return (number.sign == .minus, digits, pointPosition - 1)
  }

  private static func hex(_ value: UInt32, width: Int) -> String {
    let text = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - text.count)) + text
  }
}
