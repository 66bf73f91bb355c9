import Foundation

/// The server's data folder and its rules: the key file (`server-keys`), the default SQLite
/// database, and which commands may create what.
///
/// `serve` and `bootstrap` open it with `.create`: a missing folder is made (mode 0700) and a
/// missing key file is generated, but only for a database without live tokens or secrets. Every
/// other command opens it with `.existing` and refuses a missing folder, key file or SQLite
/// database. Either way a key file whose keys the database does not know is refused, since it
/// would make every existing token and secret unusable.
package struct DataFolder: Sendable {
  /// What the command opening the folder may create.
  package enum Access: Sendable {
    /// The folder, the key file and the SQLite database may be created (`serve`, `bootstrap`).
    case create
    /// Everything must exist already (the other commands).
    case existing
  }

  /// An opened store and the data folder's server keys.
  package struct Opened: Sendable {
    /// The store.
    package let store: any Store
    /// The keys.
    package let keys: ServerKeys
    /// What the store is, for logs: `SQLite PATH` or `PostgreSQL HOST:PORT/DB` (never a password).
    package let description: String
  }

  /// The folder's path.
  package let path: String
  /// Where the folder lives.
  package let fileSystem: any ServerFileSystem

  /// The data folder at `path` of `fileSystem`.
  package init(path: String, fileSystem: any ServerFileSystem = LocalFileSystem()) {
    self.path = path
    self.fileSystem = fileSystem
  }

  /// The key file's path.
  package var keyPath: String { ServerKeys.path(dataDirectory: path) }

  /// Makes sure the folder exists, creating it when `access` allows.
  package func prepare(_ access: Access) throws(ServerError) {
    switch fileSystem.kind(of: path) {
    case .directory:
      return
    case .file:
      throw ServerError(.failedPrecondition, "\(path) is not a folder.")
    case .missing:
      guard access == .create else {
        throw ServerError(.failedPrecondition, "The data folder \(path) does not exist; run `modal-server bootstrap` first.")
      }
      do {
        try fileSystem.createDirectory(path, mode: 0o700)
      } catch {
        throw ServerError(.failedPrecondition, "Could not create the data folder \(path): \(error.description)")
      }
    }
  }

  /// The keys of the key file; `nil` when there is none and `access` allows creating it.
  package func existingKeys(_ access: Access = .create) throws(ServerError) -> ServerKeys? {
    guard fileSystem.kind(of: keyPath) != .missing else {
      guard access == .create else {
        throw ServerError(
          .failedPrecondition,
          "The server key file \(keyPath) is missing. Restore it from your backup or copy it from another replica "
            + "(or run `modal-server bootstrap` to set up a new server).")
      }
      return nil
    }
    return try ServerKeys.load(path: keyPath, fileSystem: fileSystem)
  }

  /// Writes a key file made by `ServerKeys.generate()` (mode 0600, atomically, never over an
  /// existing file); returns the keys in the file afterwards (another process's, if it created
  /// the file first).
  package func writeKeys(_ generated: (keys: ServerKeys, fileLine: String)) throws(ServerError) -> ServerKeys {
    do {
      try fileSystem.writeNew(keyPath, contents: Array(generated.fileLine.utf8))
    } catch {
      if fileSystem.kind(of: keyPath) != .missing { return try ServerKeys.load(path: keyPath, fileSystem: fileSystem) }
      throw error
    }
    return generated.keys
  }

  /// Refuses a missing SQLite database at `databasePath` unless `access` may create it.
  package func requireDatabase(at databasePath: String, _ access: Access) throws(ServerError) {
    guard access == .create || fileSystem.kind(of: databasePath) != .missing else {
      throw ServerError(
        .failedPrecondition, "There is no database \(databasePath); run `modal-server bootstrap` first (or pass --database).")
    }
  }
}
