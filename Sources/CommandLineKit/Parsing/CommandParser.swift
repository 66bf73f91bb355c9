/// What a command line asked for.
public enum ParseResult<Context: Sendable>: Sendable {
  /// Run `command` with the values given.
  case run(Command<Context>, ParsedValues)
  /// Print the help of the command at `path`.
  case help(Command<Context>, path: [String])
  /// Print the completion script for a shell (`--generate-completion-script SHELL`).
  case completionScript(CompletionShell)
}

/// Parses the words of a command line against a command tree declared with ``Command``,
/// following a set of ``ParsingRules``: `--opt value` or `--opt=value`, toggles `--x/--no-x`,
/// `--` ending options, `-h/--help`, and the root's global options accepted at any position.
public struct CommandParser<Context: Sendable>: Sendable {
  /// The root command, named after the executable.
  public let root: Command<Context>
  /// The conventions and error texts.
  public let rules: ParsingRules

  /// Creates a parser.
  public init(root: Command<Context>, rules: ParsingRules = .click) {
    self.root = root
    self.rules = rules
  }

  /// Parses the words that follow the program name.
  public func parse(_ words: [String]) throws(UsageError) -> ParseResult<Context> {
    if let shell = try CompletionShell.requested(in: words, rootName: root.name) { return .completionScript(shell) }
    var scan = try Scan(words: extractGlobals(words), root: root)
    if !rules.optionsBetweenCommandWords, let help = try scan.resolveCommandWords(rules: rules) { return help }
    while !scan.remaining.isEmpty {
      let word = scan.remaining.removeFirst()
      if !scan.optionsEnded && word == "--" {
        scan.optionsEnded = true
      } else if !scan.optionsEnded && (word == "--help" || word == "-h") {
        if rules.helpEndsParsing { return .help(scan.command, path: scan.path) }
        scan.wantsHelp = true
      } else if !scan.optionsEnded && word.hasPrefix("-") && word != "-" {
        try scan.readOption(word, rules: rules)
      } else if !scan.command.subcommands.isEmpty {
        guard let next = scan.command.subcommand(named: word) else {
          throw UsageError(rules.messages.unknownCommand(word, scan.path), commandPath: scan.path)
        }
        scan.command = next
        scan.path.append(next.name)
      } else {
        scan.positionals.append(word)
      }
    }
    if scan.wantsHelp || scan.command.action == nil { return .help(scan.command, path: scan.path) }
    return .run(scan.command, try scan.finish(rules: rules, globalOptions: root.globalOptions))
  }

  /// Takes the root's global options out of the words wherever they stand before `--`
  /// (`--name value`, `--name=value`, a flag or either word of a toggle).
  private func extractGlobals(_ words: [String]) throws(UsageError) -> Scan<Context>.Globals {
    var kept: [String] = []
    var texts: [String: String] = [:]
    var switches: [String: Bool] = [:]
    var index = 0
    var optionsEnded = false
    while index < words.count {
      let word = words[index]
      index += 1
      if optionsEnded || word == "--" {
        optionsEnded = true
        kept.append(word)
      } else if let option = root.globalOptions.first(where: { $0.matches(word) }) {
        switch option.kind {
        case .flag:
          switches[option.name] = true
          continue
        case .toggle(let negation):
          switches[option.name] = word != negation
          continue
        case .value: break
        }
        guard index < words.count else {
          throw UsageError(rules.messages.missingValue(option.name), commandPath: [root.name])
        }
        texts[option.name] = words[index]
        index += 1
      } else if let option = root.globalOptions.first(where: { word.hasPrefix($0.name + "=") }) {
        texts[option.name] = String(word.dropFirst(option.name.count + 1))
      } else {
        kept.append(word)
      }
    }
    return Scan.Globals(kept: kept, texts: texts, switches: switches)
  }
}
