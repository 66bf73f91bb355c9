/// A token just created: its record and its secret, which exists only here and is shown once.
public struct IssuedToken: Sendable {
  /// The stored record (hash only).
  public let record: TokenRecord
  /// The secret; never stored, never logged.
  public let secret: String

  /// The token id.
  public var id: String { record.id }
}
