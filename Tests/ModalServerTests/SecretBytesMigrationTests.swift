import CSQLite
import Foundation
import ModalServer
import Testing
import TestSupport

/// Schema version 6 (secret values as bytes) on a database written at version 5, with hex text:
/// every sealed value comes back byte for byte, the quota counts bytes, and the secrets take
/// about their raw size (hex took twice), on SQLite and on PostgreSQL.
@Suite(.serialized) struct SecretBytesMigrationTests {
  /// 150 sealed values of 64 KiB, random so that neither database can compress them.
  private let values: [[UInt8]] = (0..<150).map { _ in
    var generator = SystemRandomNumberGenerator()
    return (0..<(64 * 1024 / 8)).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
  }
  private var rawBytes: Int { values.reduce(0) { $0 + $1.count } }

  /// Migrations 1-5, an account and the secrets with their values as hex text, for `dialect`.
  private func versionFiveScript(_ dialect: StoreSchema.Dialect) -> String {
    var script = StoreSchema.adapt(StoreSchema.bookkeeping, for: dialect) + ";\n"
    for migration in StoreSchema.migrations where migration.version <= 5 {
      script += StoreSchema.statements(of: migration, for: dialect).joined(separator: ";\n") + ";\n"
      script += "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(migration.version), 'v', 0);\n"
    }
    script += """
      INSERT INTO users (id, email, password_hash, created_at) VALUES ('us-1', 'u@example.com', NULL, 0);
      INSERT INTO workspaces (id, name, kind, created_at) VALUES ('ac-1', 'ws', 'shared', 0);
      INSERT INTO environments (id, workspace_id, name, is_default, webhook_suffix, created_at)
        VALUES ('en-1', 'ac-1', 'main', 1, '', 0);

      """
    for (index, bytes) in values.enumerated() {
      script += """
        INSERT INTO secrets (id, workspace_id, environment_id, name, key_names, values_key_id, values_sealed, created_by,
          created_at, updated_at) VALUES ('st-\(index)', 'ac-1', 'en-1', 's\(index)', 'A', 'k', '\(Hex.encode(bytes))', 'us-1',
          \(index), \(index));

        """
    }
    return script
  }

  /// Every secret reads back equal and the quota's use is the stored bytes.
  private func expectEverySecret(in store: some Store) async throws {
    #expect(try await store.schemaVersion() == StoreSchema.latestVersion)
    for (index, bytes) in values.enumerated() {
      let sealed = try await store.secretValues(id: "st-\(index)")
      #expect(sealed == SealedValues(keyID: "k", ciphertext: bytes), "st-\(index)")
      #expect(try await store.secret(id: "st-\(index)")?.keys == ["A"])
    }
    let usage = try await store.workspaceUsage(workspaceID: "ac-1", at: UnixTime(microseconds: 0))
    #expect(usage.secretBytes == rawBytes)
    #expect(usage.secrets == values.count)
  }

  @Test func sqliteConvertsHexToBlobs() async throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/db.sqlite3"
    var db: OpaquePointer?
    #expect(sqlite3_open(path, &db) == SQLITE_OK)
    let result = sqlite3_exec(db, "BEGIN;\n" + versionFiveScript(.sqlite) + "COMMIT;", nil, nil, nil)
    sqlite3_close(db)
    try #require(result == SQLITE_OK)
    #expect(sqlite(path, "SELECT typeof(values_sealed) FROM secrets LIMIT 1") == "text")

    let store = try SQLiteStore(path: path)
    try await expectEverySecret(in: store)
    await store.close()
    #expect(sqlite(path, "SELECT typeof(values_sealed) FROM secrets LIMIT 1") == "blob")
    // The old table's pages are free (reused by later writes, or returned by VACUUM).
    let used = try #require(
      sqlite(path, "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count, pragma_freelist_count, pragma_page_size"))
    #expect(try #require(Int(used)) < rawBytes * 13 / 10, "\(used) bytes for \(rawBytes)")
  }

  @Test func postgresConvertsHexToBytea() async throws {
    let server = try PostgresServer.shared()
    let url = try server.newDatabase()
    let database = String(url.split(separator: "/").last ?? "")
    try server.sqlScript("BEGIN;\n" + versionFiveScript(.postgres) + "COMMIT;", database: database)

    let store = try PostgresStore(url: url, listen: false)
    try await expectEverySecret(in: store)
    await store.close()
    let type = try server.sql("SELECT pg_typeof(values_sealed) FROM secrets LIMIT 1", database: database)
    #expect(type.trimmingCharacters(in: .whitespacesAndNewlines) == "bytea")
    let size = try server.sql("SELECT pg_total_relation_size('secrets')", database: database)
    let stored = try #require(Int(size.trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(stored < rawBytes * 13 / 10, "\(stored) bytes for \(rawBytes)")
  }
}
