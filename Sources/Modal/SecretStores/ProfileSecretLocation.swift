import TOML

/// Where one profile's token secret is kept off disk: its store and the key it is filed under.
package struct ProfileSecretLocation: Sendable {
  /// The profile's name.
  package let profile: String
  /// The storage named by the profile (or chosen for it).
  package let storage: SecretStorage
  /// The key in the store: the profile and its `server_url`.
  package let key: SecretStoreKey

  /// The location of a profile's secret in a given storage, for a profile pointed at `serverURL`
  /// (nil: the default server).
  package init(profile: String, serverURL: String?, storage: SecretStorage) {
    self.profile = profile
    self.storage = storage
    self.key = SecretStoreKey(profile: profile, serverURL: serverURL.nonEmpty ?? Setting.defaultServerURL)
  }

  /// The location a profile names with `token_secret_storage`, or nil when it names none (or
  /// `file`).
  ///
  /// - Throws: ``ModalError`` (`invalidConfig`) when the value is not a storage.
  package init?(profile name: String, table: TOMLTable, path: String) throws(ModalError) {
    guard let text = table[SecretStorage.profileKey]?.stringValue.nonEmpty else { return nil }
    let storage: SecretStorage
    do throws(ModalError) {
      storage = try SecretStorage(parsing: text)
    } catch {
      throw ModalError(
        .invalidConfig, "Profile '\(name)' in \(path): \(error.message)",
        remedy: "Fix \(SecretStorage.profileKey) in that profile, or store the token again with `modal token set --profile \(name)`.")
    }
    guard storage != .file else { return nil }
    self.init(profile: name, serverURL: table["server_url"]?.stringValue, storage: storage)
  }

  /// The store in this host; nil for the file.
  package func store(in host: HostEnvironment) -> (any SecretStore)? { SecretStores.store(for: storage, host: host) }

  /// The stored secret (read off the cooperative pool); nil when the store has none.
  package func read(host: HostEnvironment) async throws(ModalError) -> String? {
    guard let store = store(in: host) else { return nil }
    let key = key
    return try await SecretStores.offPool { () throws(ModalError) -> String? in try store.secret(for: key) }
  }

  /// Stores the secret, then reads it back: a store that accepted it but cannot give it back (a
  /// helper that only pretends) fails here, before the profile is changed to point at it.
  package func write(secret: String, tokenID: String, host: HostEnvironment) async throws(ModalError) {
    guard let store = store(in: host) else { return }
    let key = key
    let readBack = try await SecretStores.offPool { () throws(ModalError) -> String? in
      try store.store(secret, tokenID: tokenID, for: key)
      return try store.secret(for: key)
    }
    guard readBack == secret else {
      throw ModalError(
        .writeFailed, "\(store.name) accepted the secret of profile '\(profile)' but gave \(readBack == nil ? "nothing" : "a different value") back.",
        remedy: "Check the store (\(storage)); the config file was not changed.")
    }
  }

  /// Removes the stored secret (off the cooperative pool).
  package func erase(host: HostEnvironment) async throws(ModalError) {
    guard let store = store(in: host) else { return }
    let key = key
    try await SecretStores.offPool { () throws(ModalError) in try store.erase(key) }
  }

  /// Where a profile's secret lives, in one word for `profile list --json` and `doctor`: `file`,
  /// `keyring`, `helper:NAME`, `command` (its `token_secret_command`) or `none`.
  package static func place(of table: TOMLTable) -> String {
    if table["token_secret"]?.stringValue.nonEmpty != nil { return "file" }
    if let text = table[SecretStorage.profileKey]?.stringValue.nonEmpty, text != "file" { return text }
    if table["token_secret_command"]?.stringValue.nonEmpty != nil { return "command" }
    return "none"
  }
}
