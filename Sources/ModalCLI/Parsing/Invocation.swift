import CommandLineKit
import Modal

/// A command of `modal`, declared once with ``CommandLineKit``.
typealias CommandSpec = Command<Invocation>

/// One run of a command: the parsed options and arguments, and the world.
struct Invocation: Sendable {
  /// The options and arguments given, read typed through their declarations.
  let values: ParsedValues
  /// Environment variables, home folder and files.
  let host: HostEnvironment
  /// Standard streams and the terminal.
  let console: any Console

  /// The command words from the root, e.g. `["modal", "token", "set"]`.
  var commandPath: [String] { values.commandPath }

  /// The global `--profile` value, if given anywhere on the command line.
  var profile: String? { values[CommonOptions.profile] }

  /// An option's value: what was given, else its declared default.
  subscript<Value>(option: Option<Value>) -> Value { values[option] }

  /// Whether a flag was given.
  subscript(flag: Flag) -> Bool { values[flag] }

  /// A toggle's state: the word given, else its declared default.
  subscript(toggle: Toggle) -> Bool { values[toggle] }

  /// A positional argument's value.
  subscript<Value>(argument: Argument<Value>) -> Value { values[argument] }
}
