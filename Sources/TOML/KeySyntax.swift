/// How keys and basic strings are written in TOML.
enum KeySyntax {
  /// `key` bare when it can be, otherwise as a quoted basic string.
  static func format(_ key: String) -> String {
    if !key.isEmpty && key.utf8.allSatisfy(ASCII.isBareKey) { return key }
    return quoted(key)
  }

  /// A dotted key path in TOML syntax, such as `a."b.c"`.
  static func format(path: [String]) -> String {
    path.map { format($0) }.joined(separator: ".")
  }

  /// `text` as a TOML basic string, with quotes, backslashes and control characters escaped.
  static func quoted(_ text: String) -> String {
    var out = ""
    appendQuoted(text, to: &out)
    return out
  }

  /// Appends `text` as a double-quoted string whose escapes TOML and JSON read alike:
  /// `\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r` and `\uXXXX` for other control characters.
  static func appendQuoted(_ text: String, to out: inout String) {
    out.reserveCapacity(out.utf8.count + text.utf8.count + 2)
    out += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\u{08}": out += "\\b"
      case "\t": out += "\\t"
      case "\n": out += "\\n"
      case "\u{0C}": out += "\\f"
      case "\r": out += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          let hex = String(scalar.value, radix: 16, uppercase: true)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}
