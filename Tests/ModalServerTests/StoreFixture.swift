import ModalServer
import TestSupport

/// Fresh, empty stores for the checks every database must pass. Each store is closed however the
/// check ends, so a failed expectation does not leave a connection pool or a file open behind it.
enum StoreFixture {
  /// Runs `check` on a new SQLite store in a temporary folder.
  static func sqlite(_ check: (SQLiteStore) async throws -> Void) async throws {
    let folder = TemporaryFolder()
    try await run({ try SQLiteStore(path: folder.path + "/db.sqlite3") }, check)
  }

  /// Runs `check` on a new PostgreSQL store over a fresh database of the shared test cluster
  /// (without a change listener: the checks need no notices from other replicas).
  static func postgres(_ check: (PostgresStore) async throws -> Void) async throws {
    try await run({ try PostgresStore(url: PostgresServer.shared().newDatabase(), listen: false) }, check)
  }

  /// Runs `check` on a store from `make`, closing the store however `check` ends.
  static func run<S: Store>(_ make: () throws -> S, _ check: (S) async throws -> Void) async throws {
    let store = try make()
    do {
      try await check(store)
    } catch {
      await store.close()
      throw error
    }
    await store.close()
  }
}
