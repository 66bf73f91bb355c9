/// An error decoding or editing TOML: what went wrong, in plain English, and where.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The category of a TOML error.
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    /// A short stable name for the category, such as "syntax".
    public let name: String

    /// Creates a code with the given name.
    public init(_ name: String) { self.name = name }

    /// The text is not TOML: a missing `=`, an unclosed string, a stray character.
    public static let syntax = Code("syntax")
    /// A key or table is defined twice, or a table is extended in a way TOML forbids.
    public static let duplicateKey = Code("duplicateKey")
    /// A value is malformed: a bad number, date, escape sequence or out-of-range integer.
    public static let invalidValue = Code("invalidValue")
    /// The input is not valid UTF-8.
    public static let invalidUTF8 = Code("invalidUTF8")
    /// A control character appears where TOML does not allow it.
    public static let controlCharacter = Code("controlCharacter")
    /// The input is larger or nested more deeply than the configured `TOMLLimits` allow.
    public static let limitExceeded = Code("limitExceeded")
    /// A `TOMLDocument` edit cannot be made without changing the document's meaning.
    public static let unsupportedEdit = Code("unsupportedEdit")

    /// The code's name.
    public var description: String { name }
  }

  /// The category of the error.
  public var code: Code
  /// What is wrong, in plain English.
  public var message: String
  /// The 1-based line of the problem, or 0 when the error has no position in the text.
  public var line: Int
  /// The 1-based column of the problem, counted in Unicode characters, or 0 without a position.
  public var column: Int

  /// Creates an error.
  public init(code: Code, message: String, line: Int, column: Int) {
    self.code = code
    self.message = message
    self.line = line
    self.column = column
  }

  /// `"<line>:<column>: <message>"`, or just the message when the error has no position.
  public var description: String {
    line > 0 ? "\(line):\(column): \(message)" : message
  }
}
