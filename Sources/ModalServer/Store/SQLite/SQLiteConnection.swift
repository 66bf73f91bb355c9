import CSQLite

/// One SQLite result row; columns are read by index, in the order of the SELECT list.
struct SQLiteRow: SQLRow {
  fileprivate let statement: OpaquePointer

  func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
  func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

  func text(_ column: Int32) -> String {
    guard let bytes = sqlite3_column_text(statement, column) else { return "" }
    let count = Int(sqlite3_column_bytes(statement, column))
    return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  }

  func bytes(_ column: Int32) -> [UInt8] {
    // An empty BLOB has a NULL pointer; the size is read after the pointer, as SQLite asks.
    guard let blob = sqlite3_column_blob(statement, column) else { return [] }
    let count = Int(sqlite3_column_bytes(statement, column))
    return Array(UnsafeRawBufferPointer(start: blob, count: count))
  }
}

/// An SQLite connection with a cache of prepared statements. Not thread-safe: each connection is
/// used by one `SQLiteExecutor` queue only (hence `@unchecked Sendable`: it is handed to that queue).
final class SQLiteConnection: SQLConnection, @unchecked Sendable {
  let handle: OpaquePointer
  let path: String
  private var statements: [String: OpaquePointer] = [:]
  /// Events announced by the open transaction, published when it commits.
  private var announced: [StoreEvent] = []

  /// Opens (or creates) the database file.
  init(path: String, readOnly: Bool) throws(ServerError) {
    var db: OpaquePointer?
    let flags =
      (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
      | SQLITE_OPEN_PRIVATECACHE
    let result = sqlite3_open_v2(path, &db, flags, nil)
    guard result == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close_v2(db)
      throw ServerError(.internal, "Could not open the database \(path): \(message).")
    }
    handle = db
    self.path = path
    sqlite3_extended_result_codes(db, 1)
    try Self.defineUnhex(db)
  }

  deinit {
    for statement in statements.values { sqlite3_finalize(statement) }
    sqlite3_close_v2(handle)
  }

  /// Runs one or more statements without parameters or results (schema, pragmas, BEGIN/COMMIT).
  func exec(_ sql: String) throws(ServerError) {
    var errorMessage: UnsafeMutablePointer<CChar>?
    let result = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
    if result != SQLITE_OK {
      let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(result))
      sqlite3_free(errorMessage)
      throw Self.error(result, message)
    }
  }

  /// Runs a statement and returns the rows it produced, mapped by `row`.
  func query<T>(_ sql: String, _ values: [SQLValue] = [], row: (SQLiteRow) throws(ServerError) -> T) throws(ServerError) -> [T] {
    let statement = try prepared(sql)
    defer {
      sqlite3_reset(statement)
      sqlite3_clear_bindings(statement)
    }
    try bind(values, to: statement)
    var rows: [T] = []
    while true {
      let result = sqlite3_step(statement)
      if result == SQLITE_ROW {
        rows.append(try row(SQLiteRow(statement: statement)))
      } else if result == SQLITE_DONE {
        return rows
      } else {
        throw Self.error(result, String(cString: sqlite3_errmsg(handle)))
      }
    }
  }

  /// Runs a statement for its effect; returns the number of rows it changed.
  @discardableResult
  func execute(_ sql: String, _ values: [SQLValue] = []) throws(ServerError) -> Int {
    _ = try query(sql, values) { _ throws(ServerError) in () }
    return Int(sqlite3_changes(handle))
  }

  /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT` (rolled back if it throws); returns its result
  /// and the events it announced.
  func transaction<T>(_ body: () throws(ServerError) -> T) throws(ServerError) -> (result: T, events: [StoreEvent]) {
    announced = []
    try exec("BEGIN IMMEDIATE")
    do {
      let result = try body()
      try exec("COMMIT")
      defer { announced = [] }
      return (result, announced)
    } catch {
      try? exec("ROLLBACK")
      announced = []
      throw error
    }
  }

  /// A no-op: SQLite has one writer at a time, so the whole transaction is already exclusive.
  func lockRow<Kind>(table: String, id: RecordID<Kind>) throws(ServerError) {}

  func lockTable(_ table: String) throws(ServerError) {}

  /// Remembers `event` for the store to publish after the commit.
  func announce(_ event: StoreEvent) throws(ServerError) {
    if !announced.contains(event) { announced.append(event) }
  }

  private func prepared(_ sql: String) throws(ServerError) -> OpaquePointer {
    if let cached = statements[sql] { return cached }
    var statement: OpaquePointer?
    let result = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
    guard result == SQLITE_OK, let statement else {
      throw Self.error(result, String(cString: sqlite3_errmsg(handle)))
    }
    statements[sql] = statement
    return statement
  }

  private func bind(_ values: [SQLValue], to statement: OpaquePointer) throws(ServerError) {
    for (index, value) in values.enumerated() {
      let position = Int32(index + 1)
      let result: Int32
      switch value {
      case .integer(let number): result = sqlite3_bind_int64(statement, position, number)
      case .text(let text): result = sqlite3_bind_text(statement, position, text, -1, csqlite_transient())
      case .bytes(let bytes):
        // A zero-length BLOB, not NULL, even when the array has no storage.
        result = bytes.withUnsafeBytes { buffer in
          sqlite3_bind_blob64(
            statement, position, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(buffer.count),
            csqlite_transient())
        }
      case .null: result = sqlite3_bind_null(statement, position)
      }
      guard result == SQLITE_OK else { throw Self.error(result, String(cString: sqlite3_errmsg(handle))) }
    }
  }

  /// Maps an SQLite result code to a server error: constraint violations are `alreadyExists`,
  /// busy/locked is `unavailable`, everything else `internal`.
  static func error(_ code: Int32, _ message: String) -> ServerError {
    switch code & 0xFF {
    case SQLITE_CONSTRAINT: ServerError(.alreadyExists, "constraint violated: \(message)")
    case SQLITE_BUSY, SQLITE_LOCKED: ServerError(.unavailable, "The database is busy; retry. (\(message))")
    default: ServerError(.internal, "Database error \(code): \(message)")
    }
  }
}
