import Modal
import TOML

/// Stores a token as `modal token set` and `modal token new` do: verify it, name the profile after
/// the workspace, put the secret where it is to be kept (``SecretPlacement``), write the config,
/// optionally delete the token it replaces, and warn when environment variables will override it.
struct TokenStorage {
  let invocation: Invocation

  /// Stores the pair; `source` says in errors where it came from (the command's own words).
  /// `onWritten` runs once the config file holds the new token; from then on cancelling the task
  /// no longer stops the revocation of the token it replaced.
  func store(
    tokenID: String, tokenSecret: String, source: Credentials.Source, activate: Bool, verify: Bool, deleteExisting: Bool,
    onWritten: @Sendable () -> Void = {}
  ) async throws {
    let console = invocation.console
    // The profile named by --profile or MODAL_PROFILE, selected (and checked) as every read does.
    let config = try ModalConfig(host: invocation.host, profile: invocation.profile)
    let named = config.selection.reason == .argument || config.selection.reason == .environment
    let explicitProfile = named ? config.selection.name : nil
    let serverURL = try config.string(.serverURL, profile: explicitProfile) ?? Setting.defaultServerURL
    let client = try await CLIClients.make(
      invocation, tokenID: tokenID, tokenSecret: tokenSecret, source: source, profile: explicitProfile, serverURL: serverURL)

    if verify {
      console.write("Verifying token against \(serverURL)\n")
      try await client.hello()
      console.write("Token verified successfully!\n")
    }

    let profile: String
    if let explicitProfile {
      profile = explicitProfile
    } else {
      do {
        profile = try await client.workspaceName(timeout: .seconds(3))
      } catch {
        if error.code == .authentication {
          throw ModalError(
            .authentication, "No profile name given, but could not authenticate client to look up workspace name.",
            remedy: "Pass --profile NAME, or check the token (\(error.message)).")
        }
        throw ModalError(
          error.code, "No profile name given, but could not look up workspace name: \(error.message)",
          remedy: "Pass --profile NAME to store the token without asking the server\(error.remedy.map { ", or: \($0)" } ?? ".")")
      }
    }

    // The token it replaces, read before the new secret may overwrite it in a store.
    let previous: Result<Credentials?, ModalError>
    do {
      previous = .success(deleteExisting ? try await CredentialResolver(config: config).profileCredentials(profile) : nil)
    } catch where error.code == .missingCredentials {
      previous = .success(nil)  // half a pair or an empty store: nothing that could be revoked
    } catch {
      previous = .failure(error)
    }
    let placement = SecretPlacement(invocation: invocation)
    let storage = try placement.chosen(current: config.file, profile: profile)
    let secret = try await placement.place(
      secret: tokenSecret, tokenID: tokenID, profile: profile, serverURL: serverURL, storage: storage, configPath: config.file.path)
    let writer = ConfigWriter(path: config.file.path, fileSystem: invocation.host.fileSystem)
    try writer.storeToken(profile: profile, tokenID: tokenID, secret: secret, serverURL: serverURL, activate: activate)
    onWritten()
    if case .keptIn(let storage) = secret {
      console.write("Token written to \(config.file.path) in profile \(profile), its secret in \(storage.storeDescription).\n")
    } else {
      console.write("Token written to \(config.file.path) in profile \(profile).\n")
    }
    if case .failure(let error) = previous {
      throw ModalError(
        error.code, "New token stored; the previous token of profile '\(profile)' was NOT revoked: its secret could not be read (\(error.message)).",
        remedy: "Revoke it in the dashboard, or with `modal token revoke \(config.file.profile(profile)?["token_id"]?.stringValue ?? "TOKEN_ID")`.")
    }
    if case .success(let old?) = previous, old.tokenID != tokenID {
      let oldID = old.tokenID
      let oldSecret = old.tokenSecret
      // A task of its own: an interrupt now must not leave the replaced token live unannounced.
      let invocation = self.invocation
      let failure = await Task { () async -> ModalError? in
        do throws(ModalError) {
          let old = try await CLIClients.make(
            invocation, tokenID: oldID, tokenSecret: oldSecret, source: .named("the previous token of profile '\(profile)'"),
            profile: profile, serverURL: serverURL)
          try await old.tokens.revoke(oldID)
          return nil
        } catch {
          return error
        }
      }.value
      if let error = failure {
        // A rejected old token no longer works: there is nothing left to delete.
        guard error.code == .authentication else {
          throw ModalError(
            error.code, "New token stored; the previous token \(oldID) was NOT revoked: \(error.message)",
            remedy: "Revoke it with `modal token revoke \(oldID) --profile \(profile)` once the server can be reached\(error.remedy.map { " (\($0))" } ?? "").")
        }
      }
      console.write("Previous token in profile \(profile) has been deleted.\n")
    }
    TokenCommands.warnAboutOverridingVariables(invocation)
  }
}
