/// The standard streams and the terminal, injectable so commands can be tested without a process.
package protocol Console: Sendable {
  /// Writes text to standard output.
  func write(_ text: String)
  /// Writes text to standard error.
  func writeError(_ text: String)
  /// Whether standard input is a terminal.
  var isInputTerminal: Bool { get }
  /// Whether standard output is a terminal (colour and spinners only then).
  var isOutputTerminal: Bool { get }
  /// Reads one line from standard input without its line ending; nil at end of input.
  func readLine() -> String?
  /// Asks for a secret on the terminal without echoing it; nil when cancelled (Ctrl-C, Ctrl-D).
  func readSecret(prompt: String) -> String?
  /// Whether standard output is a regular file (`>> "$GITHUB_ENV"`).
  var isOutputFile: Bool { get }
}

extension Console {
  /// Whether standard output is a regular file (`>> "$GITHUB_ENV"`); false unless a console knows.
  package var isOutputFile: Bool { false }
}
