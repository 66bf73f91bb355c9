import Modal

/// Where `modal setup`, `token new`, `token set` and `token rotate` keep a new token's secret, and
/// putting it there: never in plain text unless chosen (the option, `MODAL_SECRET_STORAGE`, the
/// profile's current storage) or agreed to at a terminal when the chosen store cannot be used.
struct SecretPlacement {
  let invocation: Invocation

  /// The storage asked for: `--insecure-storage`, `--secret-storage`, `MODAL_SECRET_STORAGE`,
  /// where the profile keeps its secret now, else the file.
  ///
  /// - Parameter current: The profile's table before the new token is stored, if it exists.
  func chosen(current: ConfigFile, profile: String) throws(ModalError) -> SecretStorage {
    let option = invocation[CommonOptions.secretStorage]
    if invocation[CommonOptions.insecureStorage] {
      if let option, option != .file {
        throw ModalError(
          .invalidArgument, "--insecure-storage and --secret-storage \(option) contradict each other.",
          remedy: "Give one of them.")
      }
      return .file
    }
    if let option { return option }
    if let text = invocation.host.modalVariable(SecretStorage.environmentVariable) {
      do throws(ModalError) {
        return try SecretStorage(parsing: text)
      } catch {
        throw ModalError(.invalidSetting, "\(SecretStorage.environmentVariable): \(error.message)", remedy: error.remedy)
      }
    }
    if let table = current.profile(profile), let location = try ProfileSecretLocation(profile: profile, table: table, path: current.path) {
      return location.storage
    }
    return .file
  }

  /// Puts the secret in `storage` (written and read back) and returns what the profile should
  /// say. When the store cannot be used: at a terminal, asks whether to use the file instead; with
  /// no terminal, fails saying how to choose plain text knowingly.
  func place(
    secret: String, tokenID: String, profile: String, serverURL: String, storage: SecretStorage, configPath: String
  ) async throws(ModalError) -> ConfigWriter.SecretEntry {
    guard storage != .file else { return .inFile(secret) }
    let location = ProfileSecretLocation(profile: profile, serverURL: serverURL, storage: storage)
    do {
      try await location.write(secret: secret, tokenID: tokenID, host: invocation.host)
      return .keptIn(storage)
    } catch where error.code == .secretStoreUnavailable {
      let console = invocation.console
      let notStored = "The token \(tokenID) was not stored: \(error.message)"
      guard console.isInputTerminal else {
        throw ModalError(
          .secretStoreUnavailable, notStored,
          remedy: "\(error.remedy.map { $0 + " " } ?? "")To keep the secret in plain text in \(configPath) instead, run the command again with --insecure-storage.")
      }
      console.writeError(notStored + "\n")
      console.write("Store the token secret in plain text in \(configPath) instead? [y/N]: ")
      let answer = console.readLine()?.trimmingSpacesAndTabs().lowercased() ?? ""
      guard answer == "y" || answer == "yes" else {
        throw ModalError(
          .secretStoreUnavailable, "Nothing was stored; the token \(tokenID) is not in any profile.",
          remedy: error.remedy ?? "Choose another place with --secret-storage.")
      }
      return .inFile(secret)
    }
  }
}
