/// A token just created: its record and its secret, which exists only here and is shown once.
package struct IssuedToken: Sendable {
  /// The stored record (hash only).
  package let record: TokenRecord
  /// The secret; never stored, never logged.
  package let secret: String

  /// The token id.
  package var id: TokenID { record.id }
}
