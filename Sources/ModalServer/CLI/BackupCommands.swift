import CommandLineKit
import Foundation

/// `modal-server backup` and `modal-server restore`: an SQLite data folder to a backup (the
/// database and its key file) and back into a new data folder.
enum BackupCommands {
  static let backupUsage = """
    Usage: modal-server backup --data-dir DIR --to FILE [--database sqlite:PATH]

    Copies the SQLite database of the data folder to FILE with SQLite's online backup API (a
    consistent copy as of one commit, also while `modal-server serve` runs on the folder), and the
    folder's key file to FILE.keys (mode 0600). Keep both together and as secret as the key file:
    without FILE.keys no token or secret in FILE can be used. Refuses to overwrite FILE or FILE.keys.
    For PostgreSQL use pg_dump and copy the key file (docs/deployment.md, "Backups").

    Options:
      --data-dir DIR        The data folder (its server-keys file is saved with the database)
      --to FILE             Where the database copy goes; the key file goes to FILE.keys
      --database URL        sqlite:PATH when the database is not the one in the data folder

    """

  static let restoreUsage = """
    Usage: modal-server restore --from FILE --data-dir NEWDIR

    Restores a backup made by `modal-server backup` into a new data folder: checks that FILE is a
    modal-server database with a schema this version knows and that FILE.keys holds every key the
    database was written with (by the fingerprints it records), then writes the database and the
    key file into NEWDIR, which must be missing or empty. Serve it with
    `modal-server serve --data-dir NEWDIR …`.

    Options:
      --from FILE           The backup's database; its key file must be FILE.keys
      --data-dir NEWDIR     The new data folder (created mode 0700 if missing; must be empty)

    """

  static let to = Option<String>.required("--to", placeholder: "FILE", help: "Where the database copy goes")
  static let from = Option<String>.required("--from", placeholder: "FILE", help: "The backup's database")

  static let backup = CommandTree.command(
    "backup", help: backupUsage, options: [ServerOptions.dataDir, to, ServerOptions.database], run: runBackup)
  static let restore = CommandTree.command(
    "restore", help: restoreUsage, options: [from, ServerOptions.dataDir], run: runRestore)

  static func runBackup(_ parsed: ServerInvocation) async throws {
    let folder = DataFolder(path: parsed[ServerOptions.dataDir])
    try folder.prepare(.existing)
    guard let keys = try folder.existingKeys(.existing) else {
      throw ServerError(.failedPrecondition, "The server key file \(folder.keyPath) is missing.")
    }
    guard case .sqlite(let database) = try DatabaseLocation(ServerCommandLine.database(parsed[ServerOptions.database]), dataDirectory: folder.path)
    else {
      throw ServerError(
        .failedPrecondition,
        "modal-server backup copies SQLite databases; for PostgreSQL run pg_dump and copy \(folder.keyPath) with the dump "
          + "(docs/deployment.md, \"Backups\").")
    }
    try folder.requireDatabase(at: database, .existing)
    let target = BackupFile(path: parsed[to])
    for path in [target.path, target.keyPath] where FileManager.default.fileExists(atPath: path) {
      throw ServerError(.alreadyExists, "\(path) exists; choose a new --to FILE (a backup never overwrites one).")
    }
    let keyText = try keyFileText(folder.keyPath, in: folder)
    try SQLiteBackup.copy(from: database, to: target.path)
    do {
      // The copy is checked as a restore would check it, so a backup that could not be restored is never reported done.
      let contents = try BackupFile.inspect(database: target.path)
      try BackupFile.verify(keys, keyFile: folder.keyPath, against: contents, database: database)
      try SecureFile.writeNew(path: target.keyPath, contents: Array(keyText.utf8))
      parsed.output.out(
        "Backed up \(database) (schema version \(contents.schemaVersion)) to \(target.path), and its key file to "
          + "\(target.keyPath). Keep them together: a restore needs both, and \(target.keyPath) is secret.\n")
    } catch {
      try? FileManager.default.removeItem(atPath: target.path)
      throw error
    }
  }

  static func runRestore(_ parsed: ServerInvocation) async throws {
    let backup = BackupFile(path: parsed[from])
    guard FileManager.default.fileExists(atPath: backup.path) else {
      throw ServerError(.notFound, "There is no backup \(backup.path).")
    }
    guard FileManager.default.fileExists(atPath: backup.keyPath) else {
      throw ServerError(
        .failedPrecondition,
        "The backup's key file \(backup.keyPath) is missing. A backup is \(backup.path) and \(backup.keyPath), written "
          + "together by `modal-server backup`; without the key file no token or secret in it can be used. Put the key "
          + "file (or the server-keys file of the server the backup came from) at \(backup.keyPath).")
    }
    let keys = try ServerKeys.load(path: backup.keyPath)
    let contents = try BackupFile.inspect(database: backup.path)
    try BackupFile.verify(keys, keyFile: backup.keyPath, against: contents, database: backup.path)
    let folder = DataFolder(path: parsed[ServerOptions.dataDir])
    try requireEmpty(folder)
    try folder.prepare(.create)
    let keyText = try keyFileText(backup.keyPath, in: folder)
    let database = SQLiteStore.path(dataDirectory: folder.path)
    try SQLiteBackup.copy(from: backup.path, to: database)
    try SecureFile.writeNew(path: folder.keyPath, contents: Array(keyText.utf8))
    parsed.output.out(
      "Restored \(backup.path) (schema version \(contents.schemaVersion), \(contents.fingerprints.count) key(s) checked) "
        + "into \(folder.path). Serve it with `modal-server serve --data-dir \(folder.path) …`.\n")
  }

  /// The key file's text, copied byte for byte (comments and older keys included).
  private static func keyFileText(_ path: String, in folder: DataFolder) throws(ServerError) -> String {
    do {
      return try folder.fileSystem.readText(path)
    } catch {
      throw ServerError(.failedPrecondition, "Could not read the key file \(path): \(error.description)")
    }
  }

  /// Refuses a data folder that exists and holds anything: a restore never mixes with other data.
  private static func requireEmpty(_ folder: DataFolder) throws(ServerError) {
    guard folder.fileSystem.kind(of: folder.path) != .missing else { return }
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [""]
    guard entries.isEmpty else {
      throw ServerError(
        .failedPrecondition, "\(folder.path) is not empty; restore into a new or empty folder (nothing was changed).")
    }
  }
}
