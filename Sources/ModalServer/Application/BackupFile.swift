import Foundation

/// A backup made by `modal-server backup`: the SQLite database `FILE` and the key file
/// `FILE.keys` beside it. Both are needed: without the key file no token, session or secret in
/// the database can be checked or decrypted, and the database records the fingerprint of every
/// key it was written with (migration 4), so a key file can be checked against it.
struct BackupFile {
  /// The database copy.
  let path: String

  /// The key file that belongs to the database copy.
  var keyPath: String { path + ".keys" }

  /// What the database copy says about itself.
  struct Contents {
    /// The newest migration applied to it.
    let schemaVersion: Int
    /// The fingerprint of each key it was written with, by key id.
    let fingerprints: [String: String]
  }

  /// Reads the schema version and key fingerprints of the SQLite database at `database`, refusing
  /// a file that is not a modal-server database or whose schema this modal-server does not know.
  static func inspect(database: String) throws(ServerError) -> Contents {
    let connection = try SQLiteConnection(path: database, readOnly: true)
    let version: Int
    do {
      version = try connection.first("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") { row throws(ServerError) in
        Int(row.int(0))
      } ?? 0
    } catch {
      throw ServerError(
        .failedPrecondition, "\(database) is not a modal-server database (\(error.message)); give the FILE that `modal-server backup` wrote.")
    }
    guard (1...StoreSchema.latestVersion).contains(version) else {
      throw ServerError(
        .failedPrecondition,
        "\(database) has schema version \(version), which this modal-server (schema \(StoreSchema.latestVersion)) does not know; "
          + "restore it with the modal-server version that made it, or a newer one.")
    }
    var fingerprints: [String: String] = [:]
    if version >= fingerprintsVersion {
      let rows = try connection.query("SELECT key_id, fingerprint FROM server_keys") { row throws(ServerError) in
        (row.text(0), row.text(1))
      }
      for (id, fingerprint) in rows { fingerprints[id] = fingerprint }
    }
    return Contents(schemaVersion: version, fingerprints: fingerprints)
  }

  /// The migration that started recording key fingerprints.
  static let fingerprintsVersion = 4

  /// Checks that `keys` (read from `keyFile`) hold every key `contents` was written with, each
  /// with the recorded fingerprint; the error names each missing or different key.
  static func verify(_ keys: ServerKeys, keyFile: String, against contents: Contents, database: String) throws(ServerError) {
    let missing = contents.fingerprints.keys.filter { keys.key(id: $0) == nil }.sorted()
    let differing = contents.fingerprints.filter { id, fingerprint in
      keys.key(id: id).map { $0.fingerprint != fingerprint } ?? false
    }.keys.sorted()
    var problems: [String] = []
    if !missing.isEmpty { problems.append("it lacks key \(missing.joined(separator: ", "))") }
    if !differing.isEmpty {
      problems.append("key \(differing.joined(separator: ", ")) is not the key of that id \(database) was written with")
    }
    guard !problems.isEmpty else { return }
    throw ServerError(
      .failedPrecondition,
      "The key file \(keyFile) does not belong to \(database): \(problems.joined(separator: "; ")). "
        + "Use the key file saved with this backup (or the server-keys file of the server it was made from).")
  }
}
