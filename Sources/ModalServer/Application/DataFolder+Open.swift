import Foundation

extension DataFolder {
  /// Opens the store `database` names (nothing: the SQLite file in the folder) and the folder's
  /// keys, following the folder's rules for `access`. `serving` stores listen for other replicas'
  /// changes; the commands' SQLite stores tell a running server about their changes through the
  /// folder's event socket. `eventsDatabase` is where a serving PostgreSQL store listens, when
  /// `database` goes through a transaction pooler. On any refusal the store is closed again.
  package func open(
    database: String?, _ access: Access, serving: Bool = false, poolSize: Int = 8, eventsDatabase: String? = nil,
    log: @escaping @Sendable (String) -> Void = { _ in }
  ) async throws -> Opened {
    try prepare(access)
    let existing = try existingKeys(access)
    let (store, description) = try openStore(
      database: database, access, serving: serving, poolSize: poolSize, eventsDatabase: eventsDatabase, log: log)
    do {
      let keys = try await adoptKeys(existing: existing, store: store, description: description)
      return Opened(store: store, keys: keys, description: description)
    } catch {
      await store.close()
      throw error
    }
  }

  private func openStore(
    database: String?, _ access: Access, serving: Bool, poolSize: Int, eventsDatabase: String?,
    log: @escaping @Sendable (String) -> Void
  ) throws -> (any Store, String) {
    switch try DatabaseLocation(database, dataDirectory: path) {
    case .postgres(let url):
      let postgres = try PostgresStore(url: url, poolSize: poolSize, listen: serving, eventsURL: eventsDatabase, log: log)
      return (postgres, "PostgreSQL \(postgres.location)")
    case .sqlite(let databasePath):
      guard eventsDatabase == nil else {
        throw ServerError(
          .invalidArgument,
          "--events-database is for replicas sharing PostgreSQL through a pooler; with SQLite, leave it out "
            + "(or give --database a postgres:// URL).")
      }
      try requireDatabase(at: databasePath, access)
      let folder = path
      let announcer: (@Sendable (StoreEvent) -> Void)? =
        serving ? nil : { @Sendable event in LocalEventSocket.send(dataDirectory: folder, event: event) }
      return (try SQLiteStore(path: databasePath, announcer: announcer), "SQLite \(databasePath)")
    }
  }

  /// Checks the keys at hand against the database, and writes a new key file when there was none
  /// and the database accepted it. The database remembers each key's fingerprint, so an edited or
  /// foreign key file is refused.
  func adoptKeys(existing: ServerKeys?, store: any Store, description: String) async throws -> ServerKeys {
    let known = existing.map { Array($0.all.keys) } ?? []
    if try await store.hasLiveDataWithout(anyOfKeyIDs: known) {
      throw ServerError(
        .failedPrecondition,
        existing == nil
          ? "The server key file \(keyPath) is missing, but \(description) holds tokens and secrets made with a key. "
            + "Restore the key file from your backup or copy it from another replica; a new key would make every "
            + "existing token and secret unusable."
          : "No key in \(keyPath) made any of the tokens or secrets in \(description): this is the key file of another "
            + "server. Use this deployment's key file (every replica needs the same one).")
    }
    let keys: ServerKeys
    let newKeyFile: (keys: ServerKeys, fileLine: String)?
    if let existing {
      (keys, newKeyFile) = (existing, nil)
    } else {
      let generated = ServerKeys.generate()
      (keys, newKeyFile) = (generated.keys, generated)
    }
    switch try await store.registerKeys(keys.fingerprints, at: UnixTime(date: Date())) {
    case .accepted:
      break
    case .differs(let keyID):
      throw ServerError(
        .failedPrecondition,
        "Key \(keyID) in \(keyPath) is not the key \(keyID) that \(description) was written with: the file was edited "
          + "or comes from another server. Use this deployment's key file (every replica needs the same one).")
    case .unknown(let knownIDs):
      throw refusal(unknownTo: description, knownIDs: knownIDs, hadKeyFile: existing != nil)
    }
    // A new key reaches the folder only once the database accepted it.
    guard let newKeyFile else { return keys }
    return try writeKeys(newKeyFile)
  }

  private func refusal(unknownTo description: String, knownIDs: [String], hadKeyFile: Bool) -> ServerError {
    ServerError(
      .failedPrecondition,
      hadKeyFile
        ? "None of the keys in \(keyPath) are keys \(description) was written with (it knows \(knownIDs.joined(separator: ", "))): "
          + "this is the key file of another server. Use this deployment's key file."
        : "There is no key file \(keyPath), and \(description) already belongs to a server with key "
          + "\(knownIDs.joined(separator: ", ")). Copy that server's key file into \(path) (every replica "
          + "needs the same one); a new key would not match anything it stores.")
  }
}
