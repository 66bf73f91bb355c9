import Foundation

extension StoreSchema {
  /// Applies, inside the caller's transaction, every migration newer than the database's version
  /// and records each in `schema_migrations`; refuses a database newer than this code.
  /// `database` names it in the error ("The database /path/db.sqlite3").
  static func applyPending(on connection: some SQLConnection, dialect: Dialect, database: String) throws(ServerError) {
    let current =
      try connection.first("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") { row throws(ServerError) in
        Int(row.int(0))
      } ?? 0
    guard current <= latestVersion else {
      throw ServerError(
        .failedPrecondition,
        "\(database) has schema version \(current), newer than this modal-server (\(latestVersion)); upgrade modal-server.")
    }
    for migration in migrations where migration.version > current {
      for statement in statements(of: migration, for: dialect) { try connection.exec(statement) }
      try connection.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        [.integer(Int64(migration.version)), .text(migration.name), .time(UnixTime(date: Date()))])
    }
  }
}
