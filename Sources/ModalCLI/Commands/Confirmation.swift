/// Asks before something irrevocable, as the Python CLI does: `-y/--yes` skips the question;
/// without a terminal the command stops rather than guessing.
enum Confirmation {
  /// The text printed when there is no terminal to ask on (exit code 1).
  static let noTerminal = "Aborted: no interactive terminal detected. Rerun with --yes (-y) to skip confirmation."

  /// Whether to go ahead; prints why not when it returns false.
  static func confirm(_ invocation: Invocation, question: String) -> Bool {
    if invocation[CommonOptions.yes] { return true }
    let console = invocation.console
    guard console.isInputTerminal else {
      console.writeError(noTerminal + "\n")
      return false
    }
    console.write("\(question) [y/N]: ")
    let answer = console.readLine()?.trimmingSpacesAndTabs().lowercased() ?? ""
    guard answer == "y" || answer == "yes" else {
      console.writeError("Aborted.\n")
      return false
    }
    return true
  }
}
