/// How floats are written in TOML.
enum FloatSyntax {
  /// `inf`, `-inf`, `nan`, or the shortest decimal that reads back as the same double (always
  /// with a `.` or an exponent, so it reads back as a float).
  static func format(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    let text = value.description
    if text.utf8.contains(where: { $0 == ASCII.dot || $0 == ASCII.lowerE || $0 == ASCII.upperE }) {
      return text
    }
    return text + ".0"
  }
}
