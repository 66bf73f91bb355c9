package import TOML

/// Changes the configuration file safely: under an advisory lock, removing temporary files earlier
/// writes left when killed, re-reading the file, editing only the keys that change (comments and
/// formatting elsewhere are kept), then replacing it atomically with mode 0600. A malformed file is reported and left untouched (differences D3 and D4).
package struct ConfigWriter: Sendable {
  /// The file to change.
  package let path: String
  /// How files are read and written.
  package let fileSystem: any FileSystem

  /// Creates a writer for the file at `path`.
  package init(path: String, fileSystem: any FileSystem = LocalFileSystem()) {
    self.path = path
    self.fileSystem = fileSystem
  }

  /// Creates a writer for the configuration file of a host (`$MODAL_CONFIG_PATH` or `~/.modal.toml`).
  package init(host: HostEnvironment) {
    self.init(path: ConfigFile.path(in: host), fileSystem: host.fileSystem)
  }

  /// Applies `edit` to the current contents of the file and writes the result, all under the lock.
  ///
  /// `edit` receives the freshly read file (so concurrent writers never lose each other's
  /// profiles) and a document to change. Returns what `edit` returns.
  @discardableResult
  package func update<T>(
    _ edit: (_ current: ConfigFile, _ document: inout TOMLDocument) throws(ModalError) -> T
  ) throws(ModalError) -> T {
    try refuseWhatCannotHoldAFile()
    return try fileSystem.withExclusiveLock(forPath: path) { () throws(ModalError) -> T in
      // Leftovers of a killed write hold every profile's secret; under the lock none is in use.
      // (Only on the local disk: another FileSystem keeps its own temporary files.)
      if fileSystem is LocalFileSystem { StaleTemporaryFiles.remove(besides: path) }
      let current = try ConfigFile.load(from: path, fileSystem: fileSystem)
      var document: TOMLDocument
      do {
        document = try TOMLDocument(current.text)
      } catch {
        throw ModalError(.invalidConfig, "\(path): \(error)", remedy: "Fix the file; it was not changed.")
      }
      let result = try edit(current, &document)
      let newText = document.text
      let bytes = Array(newText.utf8)
      // Validate what is about to be written as strictly as what is read.
      _ = try ConfigFile.parse(bytes, path: path)
      do throws(FileSystemError) {
        try fileSystem.replaceFile(atPath: path, with: bytes, mode: 0o600)
      } catch {
        throw ModalError(.writeFailed, "Cannot write the Modal config file \(path): \(error.description).", remedy: "The file was not changed. Check that you can write to its folder.")
      }
      return result
    }
  }

  /// Refuses, before any lock file or folder is created, a path that cannot hold the file: one
  /// ending with `/`, or naming a folder, a device (such as `/dev/null`), a FIFO or a socket.
  private func refuseWhatCannotHoldAFile() throws(ModalError) {
    let problem: String
    if path.hasSuffix("/") {
      problem = "a path ending with / names a folder, not a file"
    } else if let kind = fileSystem.fileInfo(atPath: path)?.kind, kind != .regularFile {
      problem = "it is \(kind), not a file, so nothing can be stored there"
    } else {
      return
    }
    throw ModalError(
      .writeFailed, "Cannot write the Modal config file \(path): \(problem).",
      remedy: ConfigFile.notAFileRemedy + " Nothing was written.")
  }

  /// Stores a token in a profile, creating the profile if needed, as `modal token set/new` do.
  ///
  /// Writes `token_id`, `token_secret`, and `server_url` when it is not the default. With
  /// `activate`, or when the file has no profiles yet, the profile becomes the only active one.
  /// - Returns: Whether the profile was activated.
  @discardableResult
  package func storeToken(
    profile: String, tokenID: String, tokenSecret: String, serverURL: String?, activate: Bool
  ) throws(ModalError) -> Bool {
    try storeToken(profile: profile, tokenID: tokenID, secret: .inFile(tokenSecret), serverURL: serverURL, activate: activate)
  }

  /// What a profile says about its secret.
  package enum SecretEntry: Sendable {
    /// `token_secret` itself, in plain text.
    case inFile(String)
    /// `token_secret_storage`: the secret is in that store, already written there.
    case keptIn(SecretStorage)
  }

  /// Stores a token as ``storeToken(profile:tokenID:tokenSecret:serverURL:activate:)`` does, with
  /// the secret in the file or only the name of the store that keeps it.
  @discardableResult
  package func storeToken(
    profile: String, tokenID: String, secret: SecretEntry, serverURL: String?, activate: Bool
  ) throws(ModalError) -> Bool {
    try update { (current, document) throws(ModalError) -> Bool in
      let activating = activate || current.profiles.isEmpty
      try Self.set(.string(tokenID), "token_id", in: profile, &document)
      try Self.setSecret(secret, in: profile, &document)
      if let serverURL, serverURL != Setting.defaultServerURL {
        try Self.set(.string(serverURL), "server_url", in: profile, &document)
      }
      if activating { try Self.activate(profile, among: current.profileNames, &document) }
      return activating
    }
  }

  /// Rewrites where an existing profile's secret is (`modal token migrate`), when its `token_id` is
  /// still `tokenID`: a token stored meanwhile by another command is left alone.
  ///
  /// - Throws: ``ModalError`` (`conflict`) when the profile's token changed or it is gone.
  package func moveSecret(profile: String, tokenID: String, to secret: SecretEntry) throws(ModalError) {
    try update { (current, document) throws(ModalError) in
      guard current.profile(profile)?["token_id"]?.stringValue == tokenID else {
        throw ModalError(
          .conflict, "Profile '\(profile)' in \(path) changed while its secret was being moved; it was left as it is now.",
          remedy: "Run the command again.")
      }
      try Self.setSecret(secret, in: profile, &document)
    }
  }

  /// Writes `token_secret` or `token_secret_storage`, removing the other.
  private static func setSecret(_ secret: SecretEntry, in profile: String, _ document: inout TOMLDocument) throws(ModalError) {
    switch secret {
    case .inFile(let text):
      try set(.string(text), "token_secret", in: profile, &document)
      try remove(SecretStorage.profileKey, from: profile, &document)
    case .keptIn(let storage):
      try set(.string(storage.description), SecretStorage.profileKey, in: profile, &document)
      try remove("token_secret", from: profile, &document)
    }
  }

  private static func remove(_ key: String, from profile: String, _ document: inout TOMLDocument) throws(ModalError) {
    guard document.table[profile]?.tableValue?[key] != nil else { return }
    do {
      try document.removeValue(forKey: key, inTable: [profile])
    } catch {
      throw ModalError(.invalidConfig, "Cannot remove '\(key)' from profile '\(profile)': \(error)", remedy: "The file was not changed.")
    }
  }

  /// Marks `profile` active and removes `active` from every other profile.
  ///
  /// - Throws: ``ModalError`` with code `profileNotFound` when the file has no such profile.
  package func activateProfile(_ profile: String) throws(ModalError) {
    try update { (current, document) throws(ModalError) in
      guard current.profile(profile) != nil else {
        throw ModalError(
          .profileNotFound, "No profile named '\(profile)' found in \(path)",
          remedy: "Run `modal profile list` to see the profiles, or `modal token new --profile \(profile)` to create it.")
      }
      try Self.activate(profile, among: current.profileNames, &document)
    }
  }

  private static func activate(_ profile: String, among names: [String], _ document: inout TOMLDocument) throws(ModalError) {
    for name in names where name != profile {
      try remove("active", from: name, &document)
    }
    try set(.boolean(true), "active", in: profile, &document)
  }

  private static func set(_ value: TOMLValue, _ key: String, in profile: String, _ document: inout TOMLDocument) throws(ModalError) {
    do {
      try document.setValue(value, forKey: key, inTable: [profile])
    } catch {
      throw ModalError(.invalidConfig, "Cannot set '\(key)' in profile '\(profile)': \(error)", remedy: "The file was not changed.")
    }
  }
}
