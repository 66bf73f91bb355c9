/// A value bound to an SQL statement. Both stores send the same values: times as INTEGER (BIGINT
/// in PostgreSQL) microseconds, booleans as 0 or 1, binary data (BLOB, BYTEA) as bytes.
enum SQLValue: Sendable, Hashable {
  case integer(Int64)
  case text(String)
  case bytes([UInt8])
  case null
}

extension SQLValue {
  /// `.text` or `.null`.
  static func optional(_ text: String?) -> SQLValue { text.map { .text($0) } ?? .null }
  /// `.integer` or `.null`.
  static func optional(_ number: Int64?) -> SQLValue { number.map { .integer($0) } ?? .null }
  /// A time as microseconds, or `.null`.
  static func optional(_ time: UnixTime?) -> SQLValue { time.map { .integer($0.microseconds) } ?? .null }
  /// A time as microseconds.
  static func time(_ time: UnixTime) -> SQLValue { .integer(time.microseconds) }
  /// Whether the value is `.bytes` (PostgreSQL sends those in its binary format).
  var isBytes: Bool {
    if case .bytes = self { return true }
    return false
  }
  /// A boolean as 0 or 1.
  static func bool(_ value: Bool) -> SQLValue { .integer(value ? 1 : 0) }
  /// A record id as its text.
  static func id<Kind>(_ id: RecordID<Kind>) -> SQLValue { .text(id.rawValue) }
  /// A record id as its text, or `.null`.
  static func optional<Kind>(_ id: RecordID<Kind>?) -> SQLValue { id.map { .text($0.rawValue) } ?? .null }
}

/// One result row of either database; columns are read by index, in the order of the SELECT list.
protocol SQLRow {
  /// The column as an integer (0 when NULL).
  func int(_ column: Int32) -> Int64
  /// The column as text ("" when NULL).
  func text(_ column: Int32) -> String
  /// The column's bytes, for BLOB (SQLite) and BYTEA (PostgreSQL) columns (empty when NULL).
  func bytes(_ column: Int32) -> [UInt8]
  /// Whether the column is NULL.
  func isNull(_ column: Int32) -> Bool
}

extension SQLRow {
  func bool(_ column: Int32) -> Bool { int(column) != 0 }
  func time(_ column: Int32) -> UnixTime { UnixTime(microseconds: int(column)) }
  func optionalInt(_ column: Int32) -> Int64? { isNull(column) ? nil : int(column) }
  func optionalTime(_ column: Int32) -> UnixTime? { optionalInt(column).map(UnixTime.init(microseconds:)) }
  func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
  func id<Kind>(_ column: Int32) -> RecordID<Kind> { RecordID(rawValue: text(column)) }
  func optionalID<Kind>(_ column: Int32) -> RecordID<Kind>? { optionalText(column).map(RecordID.init(rawValue:)) }
}

/// A database connection the shared store code (`SQLStore`) runs its statements on. Statements
/// are written once, with `?` placeholders, in the SQL both SQLite and PostgreSQL accept.
///
/// Not thread-safe: a connection is used by one thread at a time (its executor's queue).
protocol SQLConnection: AnyObject {
  /// The row type of this database.
  associatedtype Row: SQLRow

  /// Runs statements without parameters or results (schema, BEGIN/COMMIT).
  func exec(_ sql: String) throws(ServerError)
  /// Runs a statement and returns the rows it produced, mapped by `row`.
  func query<T>(_ sql: String, _ values: [SQLValue], row: (Row) throws(ServerError) -> T) throws(ServerError) -> [T]
  /// Runs a statement for its effect; returns the number of rows it changed.
  @discardableResult
  func execute(_ sql: String, _ values: [SQLValue]) throws(ServerError) -> Int
  /// Locks the row of `table` with `id` until the transaction ends (a no-op where the database
  /// has a single writer).
  func lockRow<Kind>(table: String, id: RecordID<Kind>) throws(ServerError)
  /// Locks a whole table against other writers until the transaction ends (a no-op where the
  /// database has a single writer).
  func lockTable(_ table: String) throws(ServerError)
  /// Queues a change notice, delivered to every replica once the transaction commits (and
  /// dropped if it rolls back).
  func announce(_ event: StoreEvent) throws(ServerError)
}

extension SQLConnection {
  /// The first row, if any.
  func first<T>(_ sql: String, _ values: [SQLValue] = [], row: (Row) throws(ServerError) -> T) throws(ServerError) -> T? {
    try query(sql, values, row: row).first
  }
}
