/// An option as the parser, the help and the completion scripts see it, whatever its value type.
public struct OptionDeclaration: Sendable {
  /// How an option is written on the command line.
  public enum Kind: Sendable, Equatable {
    /// Present or absent, e.g. `--json`.
    case flag
    /// An on/off pair such as `--verify/--no-verify`.
    case toggle(negation: String)
    /// Takes a value, e.g. `--token-id ID` or `--token-id=ID`; the placeholder is shown in help.
    case value(placeholder: String)
  }

  /// The long name with its dashes, e.g. `--token-id`; it also keys the parsed value.
  public let name: String
  /// A one-letter alias with its dash, e.g. `-e`.
  public let shortName: String?
  /// How the option is written.
  public let kind: Kind
  /// One line of help.
  public let help: String
  /// Hidden options work but are left out of help and completion scripts.
  public let isHidden: Bool
  /// Whether the command cannot run without it (value options only).
  public let isRequired: Bool
  /// Whether it may be given several times, every value kept in order (``RepeatedOption``).
  public let isRepeatable: Bool
  /// Turns the text given into the option's typed value, or says why it cannot.
  let convert: (@Sendable (String) throws(InvalidValue) -> any Sendable)?

  init(
    name: String, shortName: String?, kind: Kind, help: String, isHidden: Bool, isRequired: Bool = false,
    isRepeatable: Bool = false, convert: (@Sendable (String) throws(InvalidValue) -> any Sendable)? = nil
  ) {
    self.name = name
    self.shortName = shortName
    self.kind = kind
    self.help = help
    self.isHidden = isHidden
    self.isRequired = isRequired
    self.isRepeatable = isRepeatable
    self.convert = convert
  }

  /// Whether `word` (without any `=value`) names this option.
  public func matches(_ word: String) -> Bool {
    if word == name || (shortName != nil && word == shortName) { return true }
    if case .toggle(let negation) = kind { return word == negation }
    return false
  }

  /// Every word that names the option: long name, short name and negation.
  var words: [String] {
    var words = [name]
    if let shortName { words.append(shortName) }
    if case .toggle(let negation) = kind { words.append(negation) }
    return words
  }
}

/// Something a command declares among its options: an ``Option``, a ``Flag`` or a ``Toggle``.
public protocol CommandOption: Sendable {
  /// What the parser, help and completion scripts need to know about it.
  var declaration: OptionDeclaration { get }
}

/// Why the text given to an option is not a valid value; the message is shown as the usage error.
public struct InvalidValue: Error, Sendable, Equatable {
  /// The whole message, e.g. `--database-pool must be a number from 1 to 1000, not 'x'.`
  public let message: String

  /// Creates the error with the message shown to the user.
  public init(_ message: String) { self.message = message }
}

extension OptionDeclaration {
  /// Converts `text` as the parser would, only to learn whether it is a valid value, so values
  /// that come from elsewhere (a configuration file) are refused with the option's own message.
  public func check(_ text: String) throws(InvalidValue) {
    _ = try convert?(text)
  }
}
