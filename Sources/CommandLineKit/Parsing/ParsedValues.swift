/// The options and arguments one command line gave, read back typed through their declarations.
public struct ParsedValues: Sendable {
  /// The command words from the root, e.g. `["modal", "token", "set"]`.
  public let commandPath: [String]
  /// Converted option values (flags and toggles as `Bool`), by long name.
  let options: [String: any Sendable]
  /// Positional words by argument name.
  let arguments: [String: [String]]
  /// Every positional word, in order.
  public let positionals: [String]

  /// Creates parsed values; the parser is the usual maker, tests may build them directly.
  init(commandPath: [String], options: [String: any Sendable], arguments: [String: [String]], positionals: [String]) {
    self.commandPath = commandPath
    self.options = options
    self.arguments = arguments
    self.positionals = positionals
  }

  /// The option's value: what was given, else its default.
  ///
  /// A required option always has a value once parsing succeeded; reading one the command does
  /// not declare is a programming mistake and stops the program with its name.
  public subscript<Value>(option: Option<Value>) -> Value {
    if let given = options[option.declaration.name] as? Value { return given }
    guard let fallback = option.defaultValue else {
      preconditionFailure("\(option.declaration.name) is required but not declared on \(commandPath.joined(separator: " "))")
    }
    return fallback
  }

  /// Every value given to a repeatable option, in order; empty when it was not given.
  public subscript<Element>(option: RepeatedOption<Element>) -> [Element] {
    (options[option.declaration.name] as? [any Sendable])?.compactMap { $0 as? Element } ?? []
  }

  /// Whether the flag was given.
  public subscript(flag: Flag) -> Bool {
    options[flag.declaration.name] as? Bool ?? false
  }

  /// The toggle's state: the word given last, else its declared default.
  public subscript(toggle: Toggle) -> Bool {
    options[toggle.declaration.name] as? Bool ?? toggle.defaultValue
  }

  /// The argument's value; a required argument always has one once parsing succeeded.
  public subscript<Value>(argument: Argument<Value>) -> Value {
    guard let value = argument.read(arguments[argument.declaration.name] ?? []) else {
      preconditionFailure("\(argument.declaration.name) is required but not declared on \(commandPath.joined(separator: " "))")
    }
    return value
  }
}
