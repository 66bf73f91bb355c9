/// Accumulates generated Swift source with indentation and doc comments.
struct CodeBuilder {
  private(set) var text = ""
  private var indentation = ""

  /// Appends one line at the current indentation (an empty string appends an empty line).
  mutating func line(_ content: String = "") {
    text += content.isEmpty ? "\n" : indentation + content + "\n"
  }

  /// Appends `///` lines for a doc comment (one `///` line per line of `lines`).
  mutating func doc(_ lines: [String]) {
    for docLine in lines { line(docLine.isEmpty ? "///" : "/// " + docLine) }
  }

  /// Appends `opening {`, the body one level deeper, and `}`.
  mutating func block<Failure: Error>(_ opening: String, _ body: (inout CodeBuilder) throws(Failure) -> Void)
    throws(Failure)
  {
    line(opening + " {")
    indentation += "  "
    try body(&self)
    indentation.removeLast(2)
    line("}")
  }

  /// Appends `switch subject {`, the cases at the same indentation (Swift style), and `}`.
  mutating func switchBlock(_ subject: String, _ body: (inout CodeBuilder) -> Void) {
    line("switch \(subject) {")
    body(&self)
    line("}")
  }
}
