import CSQLite
import Foundation

/// The default store: one SQLite database file (WAL mode) in the data folder.
///
/// - One writer connection, used from one serial queue: writes never wait for each other inside
///   this process, and `BEGIN IMMEDIATE` plus a busy timeout of 5 s arbitrates with other processes
///   (the `modal-server token …` and `flow approve` commands write to the same file).
/// - Two read-only connections on their own queues: in WAL mode readers never block the writer
///   nor each other, so token checks are not queued behind a commit's fsync.
/// - `synchronous=FULL`: every commit fsyncs the WAL before it returns, so an acknowledged write
///   survives SIGKILL (which `NORMAL` would already guarantee, the data being in the OS) and also
///   power loss or a kernel crash (which `NORMAL` would not).
package final class SQLiteStore: SQLStore, @unchecked Sendable {
  /// The database file.
  package let path: String
  /// Committed changes, published in this process after each commit.
  package let events = StoreEvents()
  /// How long transactions take (no pool: SQLite connections are fixed).
  package let statistics: StoreStatistics? = StoreStatistics()
  private let writer: SQLiteExecutor
  private let readers: [SQLiteExecutor]
  private let announcer: (@Sendable (StoreEvent) -> Void)?

  /// Opens (creating if needed) the database at `path` and applies pending migrations.
  /// `announcer` also receives every committed event, to tell other processes using the same file
  /// (the command line tells a running server through `LocalEventSocket`).
  package init(path: String, readerCount: Int = 2, announcer: (@Sendable (StoreEvent) -> Void)? = nil) throws(ServerError) {
    self.path = path
    self.announcer = announcer
    // Create the file owner-only first; SQLite gives the -wal and -shm files the same mode.
    SecureFile.createIfMissing(path: path)
    let writeConnection = try SQLiteConnection(path: path, readOnly: false)
    try Self.configure(writeConnection, writer: true)
    try Self.migrate(writeConnection)
    writer = SQLiteExecutor(connection: writeConnection, label: "modal-server.sqlite.writer")
    var readers: [SQLiteExecutor] = []
    for index in 0..<max(1, readerCount) {
      let connection = try SQLiteConnection(path: path, readOnly: true)
      try Self.configure(connection, writer: false)
      readers.append(SQLiteExecutor(connection: connection, label: "modal-server.sqlite.reader\(index)"))
    }
    self.readers = readers
  }

  /// The database file inside a data folder.
  package static func path(dataDirectory: String) -> String { dataDirectory + "/modal-server.sqlite3" }

  private static func configure(_ connection: SQLiteConnection, writer: Bool) throws(ServerError) {
    try connection.exec("PRAGMA busy_timeout = 5000")
    try connection.exec("PRAGMA foreign_keys = ON")
    if writer {
      let mode = try connection.first("PRAGMA journal_mode = WAL") { row throws(ServerError) in row.text(0) }
      guard mode?.lowercased() == "wal" else {
        throw ServerError(.internal, "The database \(connection.path) could not switch to WAL mode (got \(mode ?? "nothing")).")
      }
      try connection.exec("PRAGMA synchronous = FULL")
    }
  }

  /// Applies every migration newer than the database, in one transaction.
  static func migrate(_ connection: SQLiteConnection) throws(ServerError) {
    try connection.exec(StoreSchema.bookkeeping)
    _ = try connection.transaction { () throws(ServerError) in
      try StoreSchema.applyPending(on: connection, dialect: .sqlite, database: "The database \(connection.path)")
    }
  }

  @discardableResult
  func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(ServerError) -> T) async throws(ServerError) -> T {
    let reader = readers[Int.random(in: 0..<readers.count)]
    return try await timed { () throws(ServerError) in try await reader.run(body) }
  }

  @discardableResult
  func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(ServerError) -> T) async throws(ServerError) -> T {
    let writer = self.writer
    let outcome = try await timed { () throws(ServerError) in
      try await writer.run { db throws(ServerError) in
        let outcome = try db.transaction { () throws(ServerError) in try body(db) }
        return Committed(result: outcome.result, events: outcome.events)
      }
    }
    for event in outcome.events {
      events.publish(event)
      announcer?(event)
    }
    return outcome.result
  }

  package func close() async {
    // Fold the WAL back into the database file so the folder is tidy; connections close when released.
    _ = try? await writer.run { db throws(ServerError) in try db.exec("PRAGMA wal_checkpoint(TRUNCATE)") }
  }
}
