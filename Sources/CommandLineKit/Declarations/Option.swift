/// An option that takes a value, typed: its default, help and conversion are declared once here
/// and the value is read back with `values[option]`.
///
/// ```swift
/// static let pool = Option<Int>("--database-pool", placeholder: "N", default: 8) { text throws(InvalidValue) in … }
/// let size = values[pool]  // an Int: the value given, or 8
/// ```
public struct Option<Value: Sendable>: CommandOption {
  /// The declaration the parser works from.
  public let declaration: OptionDeclaration
  /// The value when the option is absent; nil for a required option.
  let defaultValue: Value?

  /// An option with a default, converted by `transform`.
  public init(
    _ name: String, short: String? = nil, placeholder: String, default defaultValue: Value, help: String = "",
    hidden: Bool = false, transform: @escaping @Sendable (String) throws(InvalidValue) -> Value
  ) {
    declaration = OptionDeclaration(
      name: name, shortName: short, kind: .value(placeholder: placeholder), help: help, isHidden: hidden,
      convert: { text throws(InvalidValue) in try transform(text) })
    self.defaultValue = defaultValue
  }

  /// A required option: the command does not run without it, so reading it always gives a value.
  public static func required(
    _ name: String, short: String? = nil, placeholder: String, help: String = "",
    transform: @escaping @Sendable (String) throws(InvalidValue) -> Value
  ) -> Option {
    Option(
      declaration: OptionDeclaration(
        name: name, shortName: short, kind: .value(placeholder: placeholder), help: help, isHidden: false,
        isRequired: true, convert: { text throws(InvalidValue) in try transform(text) }),
      defaultValue: nil)
  }

  private init(declaration: OptionDeclaration, defaultValue: Value?) {
    self.declaration = declaration
    self.defaultValue = defaultValue
  }
}

extension Option where Value == String {
  /// A required text option.
  public static func required(_ name: String, short: String? = nil, placeholder: String, help: String = "") -> Option {
    required(name, short: short, placeholder: placeholder, help: help) { $0 }
  }
}

extension Option {
  /// An optional option, nil when absent, converted by `transform`.
  public init<Wrapped: Sendable>(
    _ name: String, short: String? = nil, placeholder: String, help: String = "", hidden: Bool = false,
    transform: @escaping @Sendable (String) throws(InvalidValue) -> Wrapped
  ) where Value == Wrapped? {
    self.init(
      name, short: short, placeholder: placeholder, default: nil, help: help, hidden: hidden,
      transform: { text throws(InvalidValue) in try transform(text) })
  }

  /// An optional text option, nil when absent.
  public init(_ name: String, short: String? = nil, placeholder: String, help: String = "", hidden: Bool = false)
  where Value == String? {
    self.init(name, short: short, placeholder: placeholder, help: help, hidden: hidden) { $0 }
  }
}

/// A value option that may be given several times, e.g. `--claim K=V --claim K2=V2`; read back as
/// every value given, converted, in order (empty when absent).
public struct RepeatedOption<Element: Sendable>: CommandOption {
  /// The declaration the parser works from.
  public let declaration: OptionDeclaration

  /// Creates the option; `transform` converts each value.
  public init(
    _ name: String, short: String? = nil, placeholder: String, help: String = "", hidden: Bool = false,
    transform: @escaping @Sendable (String) throws(InvalidValue) -> Element
  ) {
    declaration = OptionDeclaration(
      name: name, shortName: short, kind: .value(placeholder: placeholder), help: help, isHidden: hidden,
      isRepeatable: true, convert: { text throws(InvalidValue) in try transform(text) })
  }
}

/// An option without a value, e.g. `--json`: true when given.
public struct Flag: CommandOption {
  /// The declaration the parser works from.
  public let declaration: OptionDeclaration

  /// Creates a flag.
  public init(_ name: String, short: String? = nil, help: String = "", hidden: Bool = false) {
    declaration = OptionDeclaration(name: name, shortName: short, kind: .flag, help: help, isHidden: hidden)
  }
}

/// An on/off pair such as `--verify/--no-verify`; its default is declared here and nowhere else.
public struct Toggle: CommandOption {
  /// The declaration the parser works from.
  public let declaration: OptionDeclaration
  /// The state when neither word is given.
  public let defaultValue: Bool

  /// Creates a toggle.
  public init(_ name: String, negation: String, default defaultValue: Bool, help: String = "", hidden: Bool = false) {
    declaration = OptionDeclaration(
      name: name, shortName: nil, kind: .toggle(negation: negation), help: help, isHidden: hidden)
    self.defaultValue = defaultValue
  }
}
