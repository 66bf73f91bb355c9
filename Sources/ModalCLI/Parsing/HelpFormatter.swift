/// Renders `--help` text and usage lines in the manner of click.
struct HelpFormatter {
  /// The usage line of a command, e.g. `Usage: modal profile activate [OPTIONS] PROFILE`.
  static func usage(_ command: CommandSpec, path: [String]) -> String {
    var line = "Usage: " + path.joined(separator: " ") + " [OPTIONS]"
    if !command.subcommands.isEmpty { line += " COMMAND [ARGS]..." }
    for argument in command.arguments {
      let name = argument.isVariadic ? argument.name + "..." : argument.name
      line += argument.isRequired ? " \(name)" : " [\(name)]"
    }
    return line
  }

  /// The full help of a command.
  static func help(_ command: CommandSpec, path: [String]) -> String {
    var out = usage(command, path: path) + "\n\n"
    out += indent(command.abstract) + "\n"
    if !command.discussion.isEmpty { out += "\n" + indent(command.discussion) + "\n" }

    var rows: [(String, String)] = []
    for option in command.options where !option.isHidden {
      rows.append((label(option), option.help))
    }
    if path.count > 0 {
      rows.append((label(ArgumentParser.profileOption), ArgumentParser.profileOption.help))
    }
    rows.append(("--help", "Show this message and exit."))
    out += "\nOptions:\n" + table(rows)

    let visible = command.subcommands.filter { !$0.isHidden }
    if !visible.isEmpty {
      out += "\nCommands:\n" + table(visible.map { ($0.name, $0.abstract) })
    }
    return out
  }

  private static func label(_ option: OptionSpec) -> String {
    let names = [option.shortName, option.name].compactMap { $0 }.joined(separator: ", ")
    switch option.kind {
    case .flag: return names
    case .toggle(let negation, _): return "\(names) / \(negation)"
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
      let line = "  " + padded + (help.isEmpty ? "" : "  " + help)
      return line.trimmingTrailingSpaces()
    }.joined(separator: "\n") + "\n"
  }
}

extension String {
  /// The string without trailing spaces.
  func trimmingTrailingSpaces() -> String {
    var copy = self
    while copy.last == " " { copy.removeLast() }
    return copy
  }
}
