import CSQLite
import Foundation

/// Copies an SQLite database with SQLite's online backup API.
///
/// `sqlite3_backup_step(-1)` copies every page inside one read transaction on the source, so the
/// copy is the database as of one commit even while a server keeps writing to it (in WAL mode the
/// writer never waits for this reader, nor this reader for the writer). No lock of the data folder
/// is taken: a backup is meant to run beside `serve`.
enum SQLiteBackup {
  /// How long a copy may wait for the source to become readable (another process checkpointing
  /// or switching journal mode) before giving up.
  static let busyWait: Duration = .seconds(30)

  /// Copies the database `source` into the new file `destination` (owner-only) and makes the copy
  /// a self-contained rollback-journal database, so it is one file with no -wal beside it.
  /// On failure the partial copy is removed.
  static func copy(from source: String, to destination: String) throws(ServerError) {
    do {
      let from = try SQLiteConnection(path: source, readOnly: true)
      try from.exec("PRAGMA busy_timeout = 5000")
      SecureFile.createIfMissing(path: destination)
      let to = try SQLiteConnection(path: destination, readOnly: false)
      try step(from: from, to: to, source: source)
      try to.exec("PRAGMA journal_mode = DELETE")
    } catch {
      try? FileManager.default.removeItem(atPath: destination)
      throw error
    }
  }

  /// Runs the backup to its end, retrying while the source is busy.
  private static func step(from: SQLiteConnection, to: SQLiteConnection, source: String) throws(ServerError) {
    guard let backup = sqlite3_backup_init(to.handle, "main", from.handle, "main") else {
      throw ServerError(.internal, "Could not start copying \(source): \(String(cString: sqlite3_errmsg(to.handle))).")
    }
    let deadline = ContinuousClock.now + busyWait
    var result = sqlite3_backup_step(backup, -1)
    while result == SQLITE_BUSY || result == SQLITE_LOCKED, ContinuousClock.now < deadline {
      usleep(50_000)
      result = sqlite3_backup_step(backup, -1)
    }
    let finished = sqlite3_backup_finish(backup)
    guard result == SQLITE_DONE, finished == SQLITE_OK else {
      let code = result == SQLITE_DONE ? finished : result
      throw ServerError(
        .unavailable,
        "Could not copy \(source): \(String(cString: sqlite3_errstr(code))). Check that the file is readable and retry.")
    }
  }
}
