import TOML

/// How a raw setting value (a string from the environment, any TOML value from the file) is
/// transformed, reproducing the Python client's transforms and their failures.
enum SettingTransform: Sendable, Hashable {
  /// The value as it is.
  case identity
  /// `s.upper()`.
  case uppercase
  /// `str(x).lower() not in {"", "0", "false"}`.
  case boolean
  /// Lower-cased, then one of the options.
  case oneOf([String])
  /// Empty, or 1 to 8 ASCII letters and digits.
  case suffix
  /// `x if x else None`.
  case emptyToNone
  /// `int(x) if x else None`.
  case optionalInteger
  /// `float(x)`.
  case float
  /// `"h:v,h2:v2"` to a table of header names and values.
  case headers

  /// Why a transform failed, in the Python client's words.
  struct Failure: Error {
    let reason: String
  }

  func apply(to raw: TOMLValue) throws(Failure) -> TOMLValue? {
    switch self {
    case .identity:
      return raw
    case .uppercase:
      guard case .string(let text) = raw else { throw noAttribute("upper", raw) }
      return .string(text.uppercased())
    case .boolean:
      let text = PythonRepr.str(raw).lowercased()
      return .boolean(!["", "0", "false"].contains(text))
    case .oneOf(let options):
      guard case .string(let text) = raw else { throw noAttribute("lower", raw) }
      let lowered = text.lowercased()
      guard options.contains(lowered) else {
        throw Failure(reason: "Must be one of [\(options.map { PythonRepr.of(.string($0)) }.joined(separator: ", "))].")
      }
      return .string(lowered)
    case .suffix:
      guard PythonRepr.isTruthy(raw) else { return raw }
      guard case .string(let text) = raw else {
        throw Failure(reason: "expected string or bytes-like object, got '\(PythonRepr.typeName(raw))'")
      }
      let valid = (1...8).contains(text.unicodeScalars.count)
        && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
      guard valid else { throw Failure(reason: "Suffix must be an alphanumeric string of no more than 8 characters.") }
      return raw
    case .emptyToNone:
      return PythonRepr.isTruthy(raw) ? raw : nil
    case .optionalInteger:
      guard PythonRepr.isTruthy(raw) else { return nil }
      return try Self.pythonInt(raw)
    case .float:
      return try Self.pythonFloat(raw)
    case .headers:
      guard case .string(let text) = raw else {
        throw Failure(reason: "'\(PythonRepr.typeName(raw))' object has no attribute 'split'")
      }
      return try Self.headers(text)
    }
  }

  private func noAttribute(_ attribute: String, _ raw: TOMLValue) -> Failure {
    Failure(reason: "'\(PythonRepr.typeName(raw))' object has no attribute '\(attribute)'")
  }

  /// Python's `int(x)` for the values a config can hold.
  private static func pythonInt(_ raw: TOMLValue) throws(Failure) -> TOMLValue {
    switch raw {
    case .integer: return raw
    case .boolean(let flag): return .integer(flag ? 1 : 0)
    case .float(let number):
      guard number.isFinite else {
        throw Failure(reason: number.isNaN ? "cannot convert float NaN to integer" : "cannot convert float infinity to integer")
      }
      guard let truncated = Int64(exactly: number.rounded(.towardZero)) else {
        throw Failure(reason: "integer \(PythonRepr.str(raw)) is out of the supported range")
      }
      return .integer(truncated)
    case .string(let text):
      guard let digits = PythonNumberSyntax.integerDigits(text), let value = Int64(digits) else {
        throw Failure(reason: "invalid literal for int() with base 10: \(PythonRepr.of(raw))")
      }
      return .integer(value)
    default:
      throw Failure(
        reason: "int() argument must be a string, a bytes-like object or a real number, not '\(PythonRepr.typeName(raw))'")
    }
  }

  /// Python's `float(x)` for the values a config can hold.
  private static func pythonFloat(_ raw: TOMLValue) throws(Failure) -> TOMLValue {
    switch raw {
    case .float: return raw
    case .integer(let number): return .float(Double(number))
    case .boolean(let flag): return .float(flag ? 1 : 0)
    case .string(let text):
      guard let value = PythonNumberSyntax.float(text) else {
        throw Failure(reason: "could not convert string to float: \(PythonRepr.of(raw))")
      }
      return .float(value)
    default:
      throw Failure(reason: "float() argument must be a string or a real number, not '\(PythonRepr.typeName(raw))'")
    }
  }

  private static func headers(_ text: String) throws(Failure) -> TOMLValue {
    let message =
      "Must be a comma-separated list of `<header>:<value>` pairs (whitespace is ignored). "
      + "<header> and <value> must contain at least one non-whitespace character, and may "
      + "not contain commas."
    var table = TOMLTable()
    guard !text.isEmpty else { return .table(table) }
    for pair in text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let colon = pair.firstIndex(of: ":") else { throw Failure(reason: message) }
      let name = PythonNumberSyntax.strip(Substring(pair[..<colon]))
      let value = PythonNumberSyntax.strip(Substring(pair[pair.index(after: colon)...]))
      guard !name.isEmpty, !value.isEmpty else { throw Failure(reason: message) }
      table[String(name)] = .string(String(value))
    }
    return .table(table)
  }
}
