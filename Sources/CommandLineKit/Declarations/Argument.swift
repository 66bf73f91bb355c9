/// A positional argument as the parser, the help and the completion scripts see it.
public struct ArgumentDeclaration: Sendable {
  /// The name shown in usage, e.g. `PROFILE`.
  public let name: String
  /// Whether it must be given.
  public let isRequired: Bool
  /// Whether it takes every remaining word (only the last argument may).
  public let isVariadic: Bool
  /// One line of help.
  public let help: String
}

/// A typed positional argument, read back with `values[argument]`.
///
/// `Argument<String>` is required, `Argument<String?>` optional and `Argument<[String]>` takes
/// every remaining word.
public struct Argument<Value: Sendable>: Sendable {
  /// The declaration the parser works from.
  public let declaration: ArgumentDeclaration
  let read: @Sendable ([String]) -> Value?
}

extension Argument where Value == String {
  /// A required argument.
  public init(_ name: String, help: String = "") {
    declaration = ArgumentDeclaration(name: name, isRequired: true, isVariadic: false, help: help)
    read = { $0.first }
  }
}

extension Argument where Value == String? {
  /// An optional argument: nil when not given.
  public init(_ name: String, help: String = "") {
    declaration = ArgumentDeclaration(name: name, isRequired: false, isVariadic: false, help: help)
    read = { .some($0.first) }
  }
}

extension Argument where Value == [String] {
  /// An argument that takes every remaining word; `required` asks for at least one.
  public init(_ name: String, required: Bool = false, help: String = "") {
    declaration = ArgumentDeclaration(name: name, isRequired: required, isVariadic: true, help: help)
    read = { $0 }
  }
}

/// Something a command declares among its positional arguments.
public protocol CommandArgument: Sendable {
  /// What the parser, help and completion scripts need to know about it.
  var argumentDeclaration: ArgumentDeclaration { get }
}

extension Argument: CommandArgument {
  /// The declaration the parser works from.
  public var argumentDeclaration: ArgumentDeclaration { declaration }
}
