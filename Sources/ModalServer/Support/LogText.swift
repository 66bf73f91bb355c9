import TextSearch

/// Text from a request, made safe to put in a log line.
///
/// A log line is one line of space-separated fields that operators read in terminals and feed to
/// log pipelines, so text an attacker controls (a URL path, a gRPC method name, a database's
/// message) must not be able to end the line, forge another one, send terminal escape sequences
/// or reorder text on screen.
enum LogText {
  /// `text` as one field: control characters (C0, DEL, C1), invisible format characters (such as
  /// bidirectional overrides), spaces, quotes and backslashes are written as `\xNN` or `\u{NNNN}`.
  static func field(_ text: String) -> String {
    escaped(text) { $0 == " " }
  }

  /// `text` for inside double quotes: like `field(_:)`, but spaces stay.
  static func quoted(_ text: String) -> String {
    escaped(text) { _ in false }
  }

  private static func escaped(_ text: String, alsoEscaping extra: (Unicode.Scalar) -> Bool) -> String {
    // Fast path (every call logs a method and a peer): printable ASCII without quotes or
    // backslashes, and a space only where allowed, is returned as it is.
    let spaceAllowed = !extra(" ")
    if text.everyUTF8Byte({ byte in
      (byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")) || (byte == 0x20 && spaceAllowed)
    }) {
      return text
    }
    guard text.unicodeScalars.contains(where: { needsEscape($0) || extra($0) }) else { return text }
    var result = ""
    result.reserveCapacity(text.utf8.count + 8)
    for scalar in text.unicodeScalars {
      if needsEscape(scalar) || extra(scalar) {
        result += scalar.value <= 0xFF
          ? "\\x" + hexDigits(scalar.value, width: 2) : "\\u{" + hexDigits(scalar.value, width: 4) + "}"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .control, .format, .lineSeparator, .paragraphSeparator: return true
    default: return scalar == "\"" || scalar == "\\"
    }
  }

  private static func hexDigits(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
