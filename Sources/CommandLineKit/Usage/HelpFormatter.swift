/// Renders `--help` text and usage lines from a command's declaration, in the manner of click.
public enum HelpFormatter {
  /// The usage line of a command, e.g. `Usage: modal profile activate [OPTIONS] PROFILE`.
  public static func usage<Context>(_ command: Command<Context>, path: [String]) -> String {
    var line = "Usage: " + path.joined(separator: " ") + " [OPTIONS]"
    if !command.subcommands.isEmpty { line += " COMMAND [ARGS]..." }
    for argument in command.arguments {
      let name = argument.isVariadic ? argument.name + "..." : argument.name
      line += argument.isRequired ? " \(name)" : " [\(name)]"
    }
    return line
  }

  /// The full help of a command: its hand-written ``Command/helpText`` when it has one, else the
  /// usage line, the abstract and discussion, the options (then `globalOptions`) and the commands.
  public static func help<Context>(
    _ command: Command<Context>, path: [String], globalOptions: [OptionDeclaration] = []
  ) -> String {
    if let text = command.helpText { return text }
    var out = usage(command, path: path) + "\n\n"
    out += indent(command.abstract) + "\n"
    if !command.discussion.isEmpty { out += "\n" + indent(command.discussion) + "\n" }

    var rows = (command.options + globalOptions).filter { !$0.isHidden }.map { (label($0), $0.help) }
    rows.append(("--help", "Show this message and exit."))
    out += "\nOptions:\n" + table(rows)

    let visible = command.subcommands.filter { !$0.isHidden }
    if !visible.isEmpty {
      out += "\nCommands:\n" + table(visible.map { ($0.name, $0.abstract) })
    }
    return out
  }

  private static func label(_ option: OptionDeclaration) -> String {
    let names = [option.shortName, option.name].compactMap { $0 }.joined(separator: ", ")
    switch option.kind {
    case .flag: return names
    case .toggle(let negation): return "\(names) / \(negation)"
    case .value(let placeholder): return "\(names) \(placeholder)"
    }
  }

  private static func indent(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
  }

  private static func table(_ rows: [(String, String)]) -> String {
    let width = min(30, rows.map(\.0.count).max() ?? 0)
    return rows.map { label, help in
      let padded = label.count <= width ? label + String(repeating: " ", count: width - label.count) : label
      var line = "  " + padded + (help.isEmpty ? "" : "  " + help)
      while line.last == " " { line.removeLast() }
      return line
    }.joined(separator: "\n") + "\n"
  }
}
