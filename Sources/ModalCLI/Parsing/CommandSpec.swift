/// A command of the command line: its name, help text, options, arguments, subcommands and action.
public struct CommandSpec: Sendable {
  /// What a command does when run: returns the process exit code.
  public typealias Action = @Sendable (_ invocation: Invocation) async throws -> Int32

  /// The word that names the command, e.g. `show`.
  public var name: String
  /// One line of help, shown in the parent's command list.
  public var abstract: String
  /// Longer help shown by `--help`, after the abstract.
  public var discussion: String
  /// The options the command accepts (`--help` is added automatically).
  public var options: [OptionSpec]
  /// The positional arguments, in order.
  public var arguments: [ArgumentSpec]
  /// Subcommands; a command has either subcommands or an action.
  public var subcommands: [CommandSpec]
  /// Hidden commands work but are not listed in help.
  public var isHidden: Bool
  /// What running the command does; nil for a group, which prints its help.
  public var action: Action?

  /// Creates a command.
  public init(
    name: String, abstract: String, discussion: String = "", options: [OptionSpec] = [],
    arguments: [ArgumentSpec] = [], subcommands: [CommandSpec] = [], isHidden: Bool = false,
    action: Action? = nil
  ) {
    self.name = name
    self.abstract = abstract
    self.discussion = discussion
    self.options = options
    self.arguments = arguments
    self.subcommands = subcommands
    self.isHidden = isHidden
    self.action = action
  }

  /// The subcommand with this name, if any.
  func subcommand(named word: String) -> CommandSpec? {
    subcommands.first { $0.name == word }
  }
}

/// An option: a flag (`--json`), a flag pair (`--activate/--no-activate`) or one taking a value.
public struct OptionSpec: Sendable {
  /// The kind of option.
  public enum Kind: Sendable, Equatable {
    /// Present or absent; its value is true when present.
    case flag
    /// An on/off pair such as `--verify/--no-verify`, with its default.
    case toggle(negation: String, default: Bool)
    /// Takes a value, e.g. `--token-id ID` or `--token-id=ID`; the name shown in help.
    case value(placeholder: String)
  }

  /// The long name with dashes, e.g. `--token-id`; used as the key of the parsed value.
  public var name: String
  /// A one-letter alias with its dash, e.g. `-e`.
  public var shortName: String?
  /// What kind of option it is.
  public var kind: Kind
  /// Help text.
  public var help: String
  /// Hidden options work but are not shown in help.
  public var isHidden: Bool

  /// Creates an option.
  public init(_ name: String, short shortName: String? = nil, _ kind: Kind = .flag, help: String = "", hidden: Bool = false) {
    self.name = name
    self.shortName = shortName
    self.kind = kind
    self.help = help
    self.isHidden = hidden
  }
}

/// A positional argument.
public struct ArgumentSpec: Sendable {
  /// The name shown in usage, e.g. `PROFILE`.
  public var name: String
  /// Whether it must be given.
  public var isRequired: Bool
  /// Help text.
  public var help: String
  /// Whether it takes every remaining word (only the last argument may).
  public var isVariadic: Bool

  /// Creates a positional argument.
  public init(_ name: String, required isRequired: Bool = true, variadic isVariadic: Bool = false, help: String = "") {
    self.name = name
    self.isRequired = isRequired
    self.isVariadic = isVariadic
    self.help = help
  }
}
