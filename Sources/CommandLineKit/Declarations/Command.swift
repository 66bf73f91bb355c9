/// A command declared once: its name, help, options, arguments, subcommands and action.
///
/// Parsing, `--help`, usage lines and shell completion scripts are all made from this value.
///
/// `Context` is what the action receives: the executable builds it from the parsed values and
/// its world (streams, environment).
public struct Command<Context: Sendable>: Sendable {
  /// What running the command does: returns the process exit code.
  public typealias Action = @Sendable (_ context: Context) async throws -> Int32

  /// The word that names the command, e.g. `show`.
  public var name: String
  /// One line of help, shown in the parent's command list.
  public var abstract: String
  /// Longer help shown by `--help`, after the abstract.
  public var discussion: String
  /// The options the command accepts (`--help` is always accepted).
  public var options: [OptionDeclaration]
  /// The positional arguments, in order.
  public var arguments: [ArgumentDeclaration]
  /// Subcommands; a command has either subcommands or an action.
  ///
  /// Made when asked for, not when the command is declared: a tree of static declarations then
  /// initialises only the commands along the path a command line names, and no process pays at
  /// start for the options of every other command (issue 19, start-up).
  public var subcommands: [Command] {
    get { makeSubcommands() }
    set { makeSubcommands = { newValue } }
  }
  private var makeSubcommands: @Sendable () -> [Command]
  /// Hidden commands work but are left out of help and completion scripts.
  public var isHidden: Bool
  /// Options accepted at any position of the command line (declare them on the root command).
  public var globalOptions: [OptionDeclaration]
  /// Help written by hand, printed instead of the generated help when set.
  public var helpText: String?
  /// What running the command does; nil for a group.
  public var action: Action?

  /// Creates a command.
  public init(
    name: String, abstract: String = "", discussion: String = "", options: [any CommandOption] = [],
    arguments: [any CommandArgument] = [], subcommands: @autoclosure @escaping @Sendable () -> [Command] = [],
    isHidden: Bool = false,
    globalOptions: [any CommandOption] = [], helpText: String? = nil, action: Action? = nil
  ) {
    self.name = name
    self.abstract = abstract
    self.discussion = discussion
    self.options = options.map(\.declaration)
    self.arguments = arguments.map(\.argumentDeclaration)
    self.makeSubcommands = subcommands
    self.isHidden = isHidden
    self.globalOptions = globalOptions.map(\.declaration)
    self.helpText = helpText
    self.action = action
  }

  /// The subcommand with this name, if any.
  public func subcommand(named word: String) -> Command? {
    // By index: this code is generic over `Context`, and iterating the array would make the
    // runtime build an iterator type and look up Array's Collection conformance on the first
    // parse of every process.
    let candidates = subcommands
    for index in 0..<candidates.count where candidates[index].name == word { return candidates[index] }
    return nil
  }

  /// The command at `path` (the root's name first), or nil when no command has that path.
  public func command(at path: [String]) -> Command? {
    var command = self
    for word in path.dropFirst() {
      guard let next = command.subcommand(named: word) else { return nil }
      command = next
    }
    return command
  }

  /// Every command of the tree with its path, the root first, depth first in declaration order.
  public func allCommands(path: [String] = []) -> [(path: [String], command: Command)] {
    let own = path + [name]
    return [(own, self)] + subcommands.flatMap { $0.allCommands(path: own) }
  }
}
