import Modal

/// One run of a command: the parsed options and arguments, the global profile, and the world.
public struct Invocation: Sendable {
  /// The command words from the root, e.g. `["modal", "token", "set"]`.
  public let commandPath: [String]
  /// Values of options that take one, by long name (`--token-id`).
  public let values: [String: String]
  /// Flags and toggles that were given, by long name, with their on/off state.
  public let flags: [String: Bool]
  /// Positional arguments in order.
  public let arguments: [String]
  /// The global `--profile` value, if given anywhere on the command line.
  public let profile: String?
  /// Environment variables, home folder and files.
  public let host: HostEnvironment
  /// Standard streams and the terminal.
  public let console: any Console

  /// The value of an option that takes one, or nil when not given.
  public func value(_ name: String) -> String? { values[name] }

  /// Whether a flag was given, or a toggle's state (its default when not given).
  public func flag(_ name: String, default defaultValue: Bool = false) -> Bool { flags[name] ?? defaultValue }
}

/// A command-line mistake: the usage is printed with the message, and the exit code is 2.
public struct UsageError: Error, Sendable, Equatable {
  /// What is wrong, e.g. `No such option: --foo`.
  public let message: String
  /// The command words the mistake was made in, for the usage line.
  public let commandPath: [String]

  /// Creates a usage error.
  public init(_ message: String, commandPath: [String]) {
    self.message = message
    self.commandPath = commandPath
  }
}
