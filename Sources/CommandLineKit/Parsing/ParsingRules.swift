/// The conventions a command line follows: where command words may stand, what `--help` does,
/// and the text of every usage error.
///
/// ``ParsingRules/click`` is Python click's; an executable with other conventions declares its own value.
public struct ParsingRules: Sendable {
  /// Whether options may come between command words (`modal profile --json list`), as in click;
  /// otherwise every command word comes first and anything else there is an unknown command.
  public var optionsBetweenCommandWords: Bool
  /// Whether `--help` shows help at once (click), or only after the rest parsed without error.
  public var helpEndsParsing: Bool
  /// Whether `-x=value` splits at `=` (otherwise only `--long=value` does).
  public var singleDashTakesInlineValue: Bool
  /// Whether an option that takes a value may be given twice (the last wins) or is an error.
  public var repeatedValueIsError: Bool
  /// A word that, in place of the root's command, asks for the root's help (e.g. `help`).
  public var rootHelpWord: String?
  /// The text of each usage error.
  public var messages: UsageMessages

  /// Creates rules.
  public init(
    optionsBetweenCommandWords: Bool, helpEndsParsing: Bool, singleDashTakesInlineValue: Bool,
    repeatedValueIsError: Bool, rootHelpWord: String? = nil, messages: UsageMessages
  ) {
    self.optionsBetweenCommandWords = optionsBetweenCommandWords
    self.helpEndsParsing = helpEndsParsing
    self.singleDashTakesInlineValue = singleDashTakesInlineValue
    self.repeatedValueIsError = repeatedValueIsError
    self.rootHelpWord = rootHelpWord
    self.messages = messages
  }
}

/// The text of each usage error a parser can raise.
public struct UsageMessages: Sendable {
  /// A word where a command was expected (empty when none was given), in the group at `path`.
  public var unknownCommand: @Sendable (_ word: String, _ path: [String]) -> String
  /// An option the command does not have, with the command's options for a suggestion.
  public var unknownOption: @Sendable (_ given: String, _ options: [OptionDeclaration]) -> String
  /// An option that takes a value, last on the line.
  public var missingValue: @Sendable (_ given: String) -> String
  /// `--flag=value` for an option that takes none.
  public var unexpectedValue: @Sendable (_ given: String, _ option: OptionDeclaration) -> String
  /// A value option given twice, when the rules forbid it.
  public var repeatedValue: @Sendable (_ given: String) -> String
  /// A required option that was not given.
  public var missingOption: @Sendable (_ option: OptionDeclaration) -> String
  /// A required argument that was not given.
  public var missingArgument: @Sendable (_ argument: ArgumentDeclaration) -> String
  /// Words beyond the last argument.
  public var extraArguments: @Sendable (_ extra: [String]) -> String

  /// Creates the texts.
  public init(
    unknownCommand: @escaping @Sendable (_ word: String, _ path: [String]) -> String,
    unknownOption: @escaping @Sendable (_ given: String, _ options: [OptionDeclaration]) -> String,
    missingValue: @escaping @Sendable (_ given: String) -> String,
    unexpectedValue: @escaping @Sendable (_ given: String, _ option: OptionDeclaration) -> String,
    repeatedValue: @escaping @Sendable (_ given: String) -> String,
    missingOption: @escaping @Sendable (_ option: OptionDeclaration) -> String,
    missingArgument: @escaping @Sendable (_ argument: ArgumentDeclaration) -> String,
    extraArguments: @escaping @Sendable (_ extra: [String]) -> String
  ) {
    self.unknownCommand = unknownCommand
    self.unknownOption = unknownOption
    self.missingValue = missingValue
    self.unexpectedValue = unexpectedValue
    self.repeatedValue = repeatedValue
    self.missingOption = missingOption
    self.missingArgument = missingArgument
    self.extraArguments = extraArguments
  }
}

extension ParsingRules {
  /// Python click's conventions and texts (`No such option: --x`, `Missing argument 'NAME'.`).
  public static let click = ParsingRules(
    optionsBetweenCommandWords: true, helpEndsParsing: true, singleDashTakesInlineValue: false,
    repeatedValueIsError: false, messages: .click)
}

extension UsageMessages {
  /// Python click's texts.
  public static let click = UsageMessages(
    unknownCommand: { word, _ in "No such command '\(word)'." },
    unknownOption: { given, options in
      let suggestion = options.first { !$0.isHidden && $0.name.hasPrefix(String(given.prefix(4))) && given.count > 3 }
      return "No such option: \(given)" + (suggestion.map { " (Possible options: \($0.name))" } ?? "")
    },
    missingValue: { "Option '\($0)' requires an argument." },
    unexpectedValue: { given, option in "Option '\(option.kind == .flag ? option.name : given)' does not take a value." },
    repeatedValue: { "Option '\($0)' was given more than once." },
    missingOption: { "Missing option '\($0.name)'." },
    missingArgument: { "Missing argument '\($0.name)'." },
    extraArguments: { extra in
      "Got unexpected extra argument\(extra.count > 1 ? "s" : "") (\(extra.joined(separator: " ")))"
    })
}
