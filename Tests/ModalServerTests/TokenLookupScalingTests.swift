import CSQLite
import Foundation
import ModalServer
import Testing
import TestSupport

/// Token checks stay flat from 1,000 to 1,000,000 stored tokens (an indexed lookup by id).
/// The 1,000,000 case takes about a minute, so it runs only with MODAL_SERVER_SCALING=1.
@Suite struct TokenLookupScalingTests {
  @Test(.enabled(if: ProcessInfo.processInfo.environment["MODAL_SERVER_SCALING"] == "1"))
  func tokenCheckLatencyIsFlat() async throws {
    let small = try await medianCheck(storedTokens: 1_000)
    let large = try await medianCheck(storedTokens: 1_000_000)
    print("token check median: \(small) with 1,000 tokens, \(large) with 1,000,000 tokens")
    #expect(large < small * 3)
  }

  @Test func theTokenLookupUsesThePrimaryKey() throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/db.sqlite3"
    _ = try SQLiteStore(path: path)
    var db: OpaquePointer?
    sqlite3_open(path, &db)
    defer { sqlite3_close(db) }
    var statement: OpaquePointer?
    sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT secret_hash FROM tokens WHERE id = 'ak-x'", -1, &statement, nil)
    defer { sqlite3_finalize(statement) }
    var details: [String] = []
    while sqlite3_step(statement) == SQLITE_ROW { details.append(String(cString: sqlite3_column_text(statement, 3))) }
    #expect(details.contains { $0.contains("USING INDEX sqlite_autoindex_tokens_1") || $0.contains("PRIMARY KEY") }, "\(details)")
  }

  private func medianCheck(storedTokens: Int) async throws -> Duration {
    let folder = TemporaryFolder()
    let path = folder.path + "/db.sqlite3"
    let bootstrapStore = try SQLiteStore(path: path)
    let backend = Backend(dependencies: Dependencies(store: bootstrapStore, keys: .random()))
    let booted = try await backend.accounts.bootstrap(email: "s@example.com", workspaceName: "scale", password: nil)
    // Bulk rows straight through SQLite (the API would take far longer to make a million).
    var db: OpaquePointer?
    sqlite3_open(path, &db)
    sqlite3_exec(db, "BEGIN", nil, nil, nil)
    var insert: OpaquePointer?
    sqlite3_prepare_v2(
      db,
      "INSERT INTO tokens (id, workspace_id, owner_kind, owner_id, name, secret_hash, hash_key_id, secret_hint, scopes, created_at) "
        + "VALUES (?, ?, 'user', ?, 'bulk', '00', 'k', 'xxxx', 'all', 0)", -1, &insert, nil)
    for _ in 1..<storedTokens {
      sqlite3_bind_text(insert, 1, TokenFormat.newID(), -1, csqlite_transient())
      sqlite3_bind_text(insert, 2, booted.workspace.id.rawValue, -1, csqlite_transient())
      sqlite3_bind_text(insert, 3, booted.user.id.rawValue, -1, csqlite_transient())
      sqlite3_step(insert)
      sqlite3_reset(insert)
    }
    sqlite3_finalize(insert)
    sqlite3_exec(db, "COMMIT", nil, nil, nil)
    sqlite3_close(db)
    var samples: [Duration] = []
    for _ in 0..<2_000 {
      let start = ContinuousClock.now
      _ = try await backend.tokens.authenticate(id: booted.token.id.rawValue, secret: booted.token.secret)
      samples.append(ContinuousClock.now - start)
    }
    await bootstrapStore.close()
    return samples.sorted()[samples.count / 2]
  }
}
