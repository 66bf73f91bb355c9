/// A command-line mistake.
///
/// The executable prints it with the usage of the command it was made in and exits with status 2.
public struct UsageError: Error, Sendable, Equatable {
  /// What is wrong, e.g. `No such option: --foo`.
  public let message: String
  /// The command words the mistake was made in (the root's name first), for the usage.
  public let commandPath: [String]

  /// Creates a usage error.
  public init(_ message: String, commandPath: [String]) {
    self.message = message
    self.commandPath = commandPath
  }
}
