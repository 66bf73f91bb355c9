/// ANSI colours and bold, applied only when the output is a terminal (as rich does).
struct TerminalStyle {
  /// Whether escapes are written.
  let enabled: Bool

  private func wrap(_ text: String, _ code: String) -> String {
    enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  /// Red text (failures).
  func red(_ text: String) -> String { wrap(text, "31") }
  /// Green text (success).
  func green(_ text: String) -> String { wrap(text, "32") }
  /// Yellow text (warnings).
  func yellow(_ text: String) -> String { wrap(text, "33") }
  /// Magenta text (names).
  func magenta(_ text: String) -> String { wrap(text, "35") }
  /// Bold text.
  func bold(_ text: String) -> String { wrap(text, "1") }
  /// An underlined link.
  func link(_ text: String) -> String { wrap(text, "4") }
}
