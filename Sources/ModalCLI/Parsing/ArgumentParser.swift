/// What the command line asked for: a command to run with its inputs, or help for a command.
enum ParseResult {
  /// Run `command` with the parsed inputs.
  case run(command: CommandSpec, path: [String], values: [String: String], flags: [String: Bool], arguments: [String], profile: String?)
  /// Print the help of `command`.
  case help(command: CommandSpec, path: [String])
}

/// Parses argv against a command tree, in the manner of click: options after their command,
/// `--opt value` or `--opt=value`, toggles `--x/--no-x`, `--` ending options, and a global
/// `--profile NAME` accepted at any position.
struct ArgumentParser {
  /// The root command (`modal`).
  let root: CommandSpec

  /// The global option every command accepts.
  static let profileOption = OptionSpec(
    "--profile", .value(placeholder: "TEXT"), help: "Use this Modal profile for the command.")

  /// Parses the arguments that follow the program name.
  func parse(_ words: [String]) throws(UsageError) -> ParseResult {
    var (remaining, profile) = try Self.extractProfile(words, rootName: root.name)
    var command = root
    var path = [root.name]
    var values: [String: String] = [:]
    var flags: [String: Bool] = [:]
    var arguments: [String] = []
    var optionsEnded = false

    while !remaining.isEmpty {
      let word = remaining.removeFirst()
      if !optionsEnded && word == "--" {
        optionsEnded = true
        continue
      }
      if !optionsEnded && (word == "--help" || word == "-h") {
        return .help(command: command, path: path)
      }
      if !optionsEnded && word.hasPrefix("-") && word != "-" {
        try parseOption(word, from: &remaining, in: command, path: path, values: &values, flags: &flags)
        continue
      }
      if !command.subcommands.isEmpty {
        guard let next = command.subcommand(named: word) else {
          throw UsageError("No such command '\(word)'.", commandPath: path)
        }
        command = next
        path.append(next.name)
        continue
      }
      arguments.append(word)
    }

    if command.action == nil { return .help(command: command, path: path) }
    if arguments.count > command.arguments.count && command.arguments.last?.isVariadic != true {
      let extra = arguments[command.arguments.count...].joined(separator: " ")
      throw UsageError("Got unexpected extra argument\(arguments.count - command.arguments.count > 1 ? "s" : "") (\(extra))", commandPath: path)
    }
    if let missing = command.arguments.dropFirst(arguments.count).first(where: \.isRequired) {
      throw UsageError("Missing argument '\(missing.name)'.", commandPath: path)
    }
    if profile == nil { profile = values["--profile"] }
    return .run(command: command, path: path, values: values, flags: flags, arguments: arguments, profile: profile)
  }

  /// Removes every `--profile NAME` / `--profile=NAME` before `--`, returning the last value.
  private static func extractProfile(_ words: [String], rootName: String) throws(UsageError) -> ([String], String?) {
    var kept: [String] = []
    var profile: String?
    var index = 0
    var optionsEnded = false
    while index < words.count {
      let word = words[index]
      index += 1
      if optionsEnded || word == "--" {
        optionsEnded = true
        kept.append(word)
      } else if word == "--profile" {
        guard index < words.count else {
          throw UsageError("Option '--profile' requires an argument.", commandPath: [rootName])
        }
        profile = words[index]
        index += 1
      } else if word.hasPrefix("--profile=") {
        profile = String(word.dropFirst("--profile=".count))
      } else {
        kept.append(word)
      }
    }
    return (kept, profile)
  }

  private func parseOption(
    _ word: String, from remaining: inout [String], in command: CommandSpec, path: [String],
    values: inout [String: String], flags: inout [String: Bool]
  ) throws(UsageError) {
    var name = word
    var inlineValue: String?
    if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
      name = String(word[..<equals])
      inlineValue = String(word[word.index(after: equals)...])
    }
    for option in command.options {
      switch option.kind {
      case .flag where name == option.name || name == option.shortName:
        guard inlineValue == nil else { throw UsageError("Option '\(option.name)' does not take a value.", commandPath: path) }
        flags[option.name] = true
        return
      case .toggle(let negation, _) where name == option.name || name == negation || name == option.shortName:
        guard inlineValue == nil else { throw UsageError("Option '\(name)' does not take a value.", commandPath: path) }
        flags[option.name] = name != negation
        return
      case .value where name == option.name || name == option.shortName:
        if let inlineValue {
          values[option.name] = inlineValue
        } else if !remaining.isEmpty {
          values[option.name] = remaining.removeFirst()
        } else {
          throw UsageError("Option '\(name)' requires an argument.", commandPath: path)
        }
        return
      default:
        continue
      }
    }
    let suggestion = command.options.first { !$0.isHidden && $0.name.hasPrefix(String(name.prefix(4))) && name.count > 3 }
    throw UsageError(
      "No such option: \(name)" + (suggestion.map { " (Possible options: \($0.name))" } ?? ""), commandPath: path)
  }
}
