/// The state of one parse: where in the tree it is, and what it has read so far.
struct Scan<Context: Sendable> {
  var remaining: [String]
  var command: Command<Context>
  var path: [String]
  var optionsEnded = false
  var wantsHelp = false
  /// Texts of value options by long name.
  var texts: [String: String]
  /// Texts of repeatable value options by long name, in the order given.
  var repeatedTexts: [String: [String]] = [:]
  /// States of flags and toggles by long name.
  var switches: [String: Bool] = [:]
  var positionals: [String] = []

  /// What the root's global options gave, and the words left once they are taken out.
  struct Globals {
    var kept: [String]
    var texts: [String: String]
    var switches: [String: Bool]
  }

  init(words: Globals, root: Command<Context>) {
    remaining = words.kept
    texts = words.texts
    switches = words.switches
    command = root
    path = [root.name]
  }

  /// Walks the command words at the front (rules without options between them); returns the
  /// help to print when a help word stands where a command was expected.
  mutating func resolveCommandWords(rules: ParsingRules) throws(UsageError) -> ParseResult<Context>? {
    while !command.subcommands.isEmpty {
      let word = remaining.first ?? ""
      if word == "--help" || word == "-h" || (path.count == 1 && word == rules.rootHelpWord) {
        return .help(command, path: path)
      }
      guard let next = command.subcommand(named: word) else {
        throw UsageError(rules.messages.unknownCommand(word, path), commandPath: path)
      }
      remaining.removeFirst()
      command = next
      path.append(next.name)
    }
    return nil
  }

  /// Reads one option word (and its value, if it takes one from the next word).
  mutating func readOption(_ word: String, rules: ParsingRules) throws(UsageError) {
    var name = word
    var inlineValue: String?
    if word.hasPrefix("--") || rules.singleDashTakesInlineValue, let equals = word.firstIndex(of: "=") {
      name = String(word[..<equals])
      inlineValue = String(word[word.index(after: equals)...])
    }
    guard let option = command.options.first(where: { $0.matches(name) }) else {
      throw UsageError(rules.messages.unknownOption(name, command.options), commandPath: path)
    }
    switch option.kind {
    case .flag, .toggle:
      guard inlineValue == nil else { throw UsageError(rules.messages.unexpectedValue(name, option), commandPath: path) }
      if case .toggle(let negation) = option.kind { switches[option.name] = name != negation } else { switches[option.name] = true }
    case .value:
      guard let value = inlineValue ?? (remaining.isEmpty ? nil : remaining.removeFirst()) else {
        throw UsageError(rules.messages.missingValue(name), commandPath: path)
      }
      if option.isRepeatable {
        repeatedTexts[option.name, default: []].append(value)
        return
      }
      if rules.repeatedValueIsError && texts[option.name] != nil {
        throw UsageError(rules.messages.repeatedValue(name), commandPath: path)
      }
      texts[option.name] = value
    }
  }

  /// Checks what is required, hands the words to the arguments and converts every value, in
  /// declaration order, so the first mistake reported is the first one declared.
  func finish(rules: ParsingRules, globalOptions: [OptionDeclaration]) throws(UsageError) -> ParsedValues {
    for option in command.options where option.isRequired && texts[option.name] == nil {
      throw UsageError(rules.messages.missingOption(option), commandPath: path)
    }
    let declared = command.arguments
    if positionals.count > declared.count && declared.last?.isVariadic != true {
      throw UsageError(rules.messages.extraArguments(Array(positionals[declared.count...])), commandPath: path)
    }
    if let missing = declared.dropFirst(positionals.count).first(where: \.isRequired) {
      throw UsageError(rules.messages.missingArgument(missing), commandPath: path)
    }
    var arguments: [String: [String]] = [:]
    for (index, argument) in declared.enumerated() where index < positionals.count {
      arguments[argument.name] = argument.isVariadic ? Array(positionals[index...]) : [positionals[index]]
    }
    var values: [String: any Sendable] = switches
    for option in command.options where option.isRepeatable {
      let converted: [any Sendable]
      do throws(InvalidValue) {
        converted = try repeatedTexts[option.name, default: []].map { text throws(InvalidValue) in
          try option.convert?(text) ?? text
        }
      } catch {
        throw UsageError(error.message, commandPath: path)
      }
      values[option.name] = converted
    }
    for option in command.options + globalOptions where !option.isRepeatable {
      guard let text = texts[option.name] else { continue }
      do throws(InvalidValue) {
        values[option.name] = try option.convert?(text) ?? text
      } catch {
        throw UsageError(error.message, commandPath: path)
      }
    }
    return ParsedValues(commandPath: path, options: values, arguments: arguments, positionals: positionals)
  }
}
