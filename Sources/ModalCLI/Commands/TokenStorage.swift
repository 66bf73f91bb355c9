import Modal
import ModalAPI
import TOML

/// Stores a token as `modal token set` and `modal token new` do: verify it, name the profile after
/// the workspace, write the config, optionally delete the token it replaces, and warn when
/// environment variables will override it.
struct TokenStorage {
  let invocation: Invocation

  func store(tokenID: String, tokenSecret: String, activate: Bool, verify: Bool, deleteExisting: Bool) async throws {
    let console = invocation.console
    let explicitProfile = invocation.profile.flatMap { $0.isEmpty ? nil : $0 } ?? invocation.host.modalVariable("MODAL_PROFILE")
    let config = try ModalConfig(host: invocation.host, profile: explicitProfile)
    let serverURL = try config.string(.serverURL, profile: explicitProfile) ?? Setting.defaultServerURL
    let client = try CLIClients.make(
      invocation, tokenID: tokenID, tokenSecret: tokenSecret, profile: explicitProfile, serverURL: serverURL)

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
        guard error.code == .authentication, !verify else { throw error }
        throw ModalError(
          .authentication, "No profile name given, but could not authenticate client to look up workspace name.",
          remedy: "Pass --profile NAME, or check the token (\(error.message)).")
      }
    }

    let previous = config.file.profile(profile)
    let writer = ConfigWriter(path: config.file.path, fileSystem: invocation.host.fileSystem)
    try writer.storeToken(profile: profile, tokenID: tokenID, tokenSecret: tokenSecret, serverURL: serverURL, activate: activate)
    console.write("Token written to \(config.file.path) in profile \(profile).\n")

    if deleteExisting, let oldID = previous?["token_id"]?.stringValue, let oldSecret = previous?["token_secret"]?.stringValue,
      oldID != tokenID
    {
      let old = try CLIClients.make(invocation, tokenID: oldID, tokenSecret: oldSecret, profile: profile, serverURL: serverURL)
      var request = TokenDeleteRequest()
      request.tokenID = oldID
      do {
        _ = try await old.call(ModalClientMethods.tokenDelete, request)
      } catch {
        // A rejected old token no longer works: there is nothing left to delete.
        guard error.code == .authentication else { throw error }
      }
      console.write("Previous token in profile \(profile) has been deleted.\n")
    }
    TokenCommands.warnAboutOverridingVariables(invocation)
  }
}
