import CommandLineKit

/// A command of `modal-server`, declared once with ``CommandLineKit``.
typealias ServerCommand = Command<ServerInvocation>

/// One run of a `modal-server` command: the parsed options and arguments, and where to print.
struct ServerInvocation: Sendable {
  /// The options and arguments given, read typed through their declarations.
  let values: ParsedValues
  /// Standard output and error.
  let output: ServerCommandLine.Output

  /// An option's value: what was given, else its declared default.
  subscript<Value>(option: Option<Value>) -> Value { values[option] }

  /// Every value given to a repeatable option, in order.
  subscript<Element>(option: RepeatedOption<Element>) -> [Element] { values[option] }

  /// Whether a flag was given.
  subscript(flag: Flag) -> Bool { values[flag] }

  /// A positional argument's value.
  subscript<Value>(argument: Argument<Value>) -> Value { values[argument] }
}

/// The `modal-server` command tree and its parsing conventions.
///
/// Help texts are written by hand (each command's `helpText`); parsing, errors and completion
/// scripts come from the declarations.
enum CommandTree {
  /// Every command of `modal-server`.
  static let root = ServerCommand(
    name: "modal-server", abstract: "A self-hostable, Modal-API-compatible identity and token service.",
    subcommands: [
      ServeCommand.command, BootstrapCommand.command, TokenCommands.group, FlowCommands.group, MemberCommands.memberGroup,
      MemberCommands.serviceUserGroup, BackupCommands.backup, BackupCommands.restore, AuditCommands.group,
      FederationCommands.group,
    ],
    helpText: ServerCommandLine.usage)

  /// Command words first, `--help` only after the rest parsed, `-x=value` split, no option twice.
  static let rules = ParsingRules(
    optionsBetweenCommandWords: false, helpEndsParsing: false, singleDashTakesInlineValue: true,
    repeatedValueIsError: true, rootHelpWord: "help",
    messages: UsageMessages(
      unknownCommand: { word, path in
        guard path.count > 1 else { return word.isEmpty ? "Missing command." : "Unknown command '\(word)'." }
        return "Unknown \(path.last ?? "") command '\(word)'."
      },
      unknownOption: { given, _ in "Unknown option \(given)." },
      missingValue: { "\($0) needs a value." },
      unexpectedValue: { given, _ in "\(given) takes no value." },
      repeatedValue: { "\($0) is given more than once." },
      missingOption: { "Missing \($0.name)." },
      missingArgument: { _ in "Missing argument." },
      extraArguments: { "Unexpected argument '\($0.first ?? "")'." }))

  /// A command whose action throws on failure and prints what it did.
  static func command(
    _ name: String, help: String, options: [any CommandOption], arguments: [any CommandArgument] = [],
    run: @escaping @Sendable (ServerInvocation) async throws -> Void
  ) -> ServerCommand {
    ServerCommand(name: name, options: options, arguments: arguments, helpText: help) { invocation in
      try await run(invocation)
      return 0
    }
  }
}
