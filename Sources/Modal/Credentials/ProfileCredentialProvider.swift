import RPC
import TOML

/// A profile's credentials (`.profile`), or only those whose secret its `token_secret_command`
/// prints (`.secretCommand`).
struct ProfileCredentialProvider: CredentialProvider {
  /// Which keys of the profile count.
  enum Mode: Sendable {
    /// `token_id` with `token_secret`, or else with `token_secret_command`.
    case keysOrCommand
    /// `token_id` with `token_secret_command` only.
    case commandOnly
  }

  /// The profile; nil for the client's selected one.
  let name: String?
  /// The configuration file; nil for the client's.
  let configPath: String?
  let mode: Mode

  func credentials(context: CredentialContext) async throws(ModalError) -> Credentials {
    let config = try await self.config(context)
    if name == nil { try config.checkProfiles() }
    let file = config.file
    let name = config.profileName
    guard file.profile(name) != nil else {
      if config.selection.reason != .implicitDefault {
        var pinned = ""
        if case .projectFile = config.selection.reason { pinned = " (\(config.selection.explanation))" }
        throw ModalError(
          .profileNotFound,
          "Modal profile '\(name)'\(pinned) was not found in \(file.path). Run `modal profile list` to see available profiles, or `modal token new --profile \(name)` to configure it.")
      }
      let why = file.exists
        ? "profile 'default' in \(file.path): no such profile, and no profile is marked active = true"
        : "profile 'default' in \(file.path): the file does not exist"
      throw .noCredentials(why)
    }
    let reader = ProfileCredentials(context: CredentialContext(config: config, secretCommandTimeout: context.secretCommandTimeout))
    guard let credentials = try await reader.credentials(name, commandOnly: mode == .commandOnly) else {
      let missing = mode == .commandOnly ? "token_id and token_secret_command" : "token_id and token_secret"
      throw .noCredentials("profile '\(name)' in \(file.path): it has no \(missing)")
    }
    return credentials
  }

  /// The client's configuration, or the one this provider names (read off the cooperative pool
  /// when it is another file).
  private func config(_ context: CredentialContext) async throws(ModalError) -> ModalConfig {
    guard let configPath else {
      guard let name else { return context.config }
      return try ModalConfig(host: context.host, file: context.config.file, profile: name)
    }
    let host = context.host
    let name = self.name
    let loaded: Result<ModalConfig, ModalError> = await BlockingWork.run(label: "modal.config-read") {
      do throws(ModalError) {
        return .success(try ModalConfig(host: host, profile: name, configPath: configPath))
      } catch {
        return .failure(error)
      }
    }
    return try loaded.get()
  }
}

/// Reads the token pair one profile holds, ignoring arguments and environment variables.
struct ProfileCredentials: Sendable {
  /// The configuration holding the profile, and the time its `token_secret_command` may run.
  let context: CredentialContext

  /// The profile's `token_id` and `token_secret`, or the secret in the store its
  /// `token_secret_storage` names, or the first line printed by its `token_secret_command` (store
  /// and command run off the cooperative pool).
  ///
  /// - Parameter commandOnly: Only a pair whose secret comes from the command counts.
  /// - Returns: nil when the file has no such profile, or the profile has neither key.
  /// - Throws: ``ModalError`` when the profile has half a pair or its command fails.
  func credentials(_ name: String, commandOnly: Bool = false) async throws(ModalError) -> Credentials? {
    let file = context.config.file
    guard let profile = file.profile(name) else { return nil }
    let command = profile["token_secret_command"]?.stringValue.nonEmpty
    let storedSecret = commandOnly ? nil : profile["token_secret"]?.stringValue.nonEmpty
    let source = Credentials.Source.profile(name: name, path: file.path)
    switch (profile["token_id"]?.stringValue.nonEmpty, storedSecret) {
    case (let id?, let secret?):
      return Credentials(tokenID: id, tokenSecret: secret, source: source)
    case (let id?, nil):
      if !commandOnly, let location = try ProfileSecretLocation(profile: name, table: profile, path: file.path) {
        guard let secret = try await location.read(host: context.host) else {
          throw ModalError(
            .missingCredentials,
            "Profile '\(name)' in \(file.path) keeps its secret in \(location.storage.storeDescription), which has none for it (\(location.key.account)).",
            remedy: "Store the token again with `modal token set --profile \(name) --secret-storage \(location.storage)`, or `modal setup` to log in again.")
        }
        return Credentials(tokenID: id, tokenSecret: secret, source: .profileStore(name: name, path: file.path, storage: location.storage))
      }
      if let command {
        let secret = try await TokenSecretCommand(command: command, timeout: context.secretCommandTimeout)
          .runOffPool(environment: context.host.variables, profile: name)
        return Credentials(tokenID: id, tokenSecret: secret, source: .profileCommand(name: name, path: file.path))
      }
      if commandOnly { return nil }
      throw ModalError(
        .missingCredentials, "Profile '\(name)' in \(file.path) has a token_id but no token_secret (nor token_secret_command).",
        remedy: "Run `modal token set --profile \(name)` to store both, or `modal setup` to log in again.")
    case (nil, .some):
      throw ModalError(
        .missingCredentials, "Profile '\(name)' in \(file.path) has a token_secret but no token_id.",
        remedy: "Run `modal token set --profile \(name)` to store both, or `modal setup` to log in again.")
    case (nil, nil):
      return nil
    }
  }
}
