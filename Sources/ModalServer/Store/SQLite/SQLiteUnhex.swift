import CSQLite

extension SQLiteConnection {
  /// Defines `unhex(text)` on the connection: the bytes of a hex string as a BLOB, NULL when the
  /// text is not hex. SQLite has it built in only since 3.41 (Debian 12 ships 3.40), and schema
  /// version 6 converts hex text with it, in the SQL PostgreSQL runs with `decode(…, 'hex')`.
  static func defineUnhex(_ db: OpaquePointer) throws(ServerError) {
    let result = sqlite3_create_function_v2(
      db, "unhex", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
      { context, count, arguments in
        guard count == 1, let argument = arguments?[0], let text = sqlite3_value_text(argument) else {
          sqlite3_result_null(context)
          return
        }
        let length = Int(sqlite3_value_bytes(argument))
        let hex = String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self)
        guard let bytes = Hex.decode(hex) else {
          sqlite3_result_null(context)
          return
        }
        bytes.withUnsafeBytes { buffer in
          sqlite3_result_blob64(
            context, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(buffer.count), csqlite_transient())
        }
      }, nil, nil, nil)
    guard result == SQLITE_OK else { throw error(result, "could not define unhex()") }
  }
}
