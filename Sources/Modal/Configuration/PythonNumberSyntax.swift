/// Python's `int(str)` and `float(str)` syntax, so that settings from the environment are accepted
/// and refused exactly as the Python client does.
enum PythonNumberSyntax {
  /// Removes leading and trailing white space as Python's `str.strip()` does.
  static func strip(_ text: Substring) -> Substring {
    let isSpace: (Character) -> Bool = { $0.isWhitespace }
    guard let first = text.firstIndex(where: { !isSpace($0) }),
      let last = text.lastIndex(where: { !isSpace($0) })
    else { return "" }
    return text[first...last]
  }

  /// The decimal digits (with sign) of a Python integer literal, underscores removed; nil if invalid.
  static func integerDigits(_ text: String) -> String? {
    var body = strip(Substring(text))
    var sign = ""
    if let first = body.first, first == "+" || first == "-" {
      sign = first == "-" ? "-" : ""
      body = body.dropFirst()
    }
    guard let digits = digitRun(body), digits.consumed == body.count else { return nil }
    return sign + digits.digits
  }

  /// The value of a Python float literal (`1.5`, ` 2e3 `, `1_000`, `inf`, `-nan`); nil if invalid.
  static func float(_ text: String) -> Double? {
    var body = strip(Substring(text))
    var negative = false
    if let first = body.first, first == "+" || first == "-" {
      negative = first == "-"
      body = body.dropFirst()
    }
    let lowered = body.lowercased()
    if lowered == "inf" || lowered == "infinity" { return negative ? -.infinity : .infinity }
    if lowered == "nan" { return negative ? -.nan : .nan }

    var normalized = ""
    var rest = body[...]
    let whole = digitRun(rest)
    if let whole {
      normalized += whole.digits
      rest = rest.dropFirst(whole.consumed)
    }
    var fraction: (digits: String, consumed: Int)?
    if rest.first == "." {
      rest = rest.dropFirst()
      fraction = digitRun(rest)
      if let fraction { rest = rest.dropFirst(fraction.consumed) }
      normalized += "." + (fraction?.digits ?? "0")
    }
    guard whole != nil || fraction != nil else { return nil }
    if let e = rest.first, e == "e" || e == "E" {
      rest = rest.dropFirst()
      var exponentSign = ""
      if let sign = rest.first, sign == "+" || sign == "-" {
        exponentSign = String(sign)
        rest = rest.dropFirst()
      }
      guard let exponent = digitRun(rest) else { return nil }
      rest = rest.dropFirst(exponent.consumed)
      normalized += "e" + exponentSign + exponent.digits
    }
    guard rest.isEmpty else { return nil }
    if normalized.hasPrefix(".") { normalized = "0" + normalized }
    guard let value = Double(normalized) else { return nil }
    return negative ? -value : value
  }

  /// A run of ASCII digits with single underscores between digits, from the start of `text`.
  private static func digitRun(_ text: Substring) -> (digits: String, consumed: Int)? {
    var digits = ""
    var consumed = 0
    var previousWasDigit = false
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      if character.isASCII, character.isNumber {
        digits.append(character)
        previousWasDigit = true
      } else if character == "_" && previousWasDigit {
        let next = text.index(after: index)
        guard next < text.endIndex, text[next].isASCII, text[next].isNumber else { break }
        previousWasDigit = false
      } else {
        break
      }
      consumed += 1
      index = text.index(after: index)
    }
    return digits.isEmpty ? nil : (digits, consumed)
  }
}
