import CommandLineKit
import Modal

/// `modal setup`, `modal token new` and `modal token rotate`: log in through the browser.
enum LoginCommands {
  static let setup = CommandSpec(
    name: "setup", abstract: "Bootstrap Modal's configuration.",
    discussion: """
      Opens the browser to log in and stores the new token in ~/.modal.toml (or $MODAL_CONFIG_PATH),
      in a profile named after the workspace. Without a browser, the URL and a code are printed so
      you can finish on another device.
      """,
    options: [CommonOptions.source, CommonOptions.secretStorage, CommonOptions.insecureStorage]
  ) { invocation in
    var choices = LoginFlow.Choices()
    choices.nextURL = "/home"
    choices.source = invocation[CommonOptions.source]
    return try await LoginFlow(invocation: invocation).run(choices)
  }

  static let deleteExisting = Flag(
    "--delete-existing", help: "In addition to creating a new token, delete the existing token in the active profile.")

  static let new = CommandSpec(
    name: "new", abstract: "Create a new token by using an authenticated web session.",
    options: [
      CommonOptions.activate, CommonOptions.verify, CommonOptions.expiresIn,
      deleteExisting, CommonOptions.source, CommonOptions.secretStorage, CommonOptions.insecureStorage,
    ]
  ) { invocation in
    var choices = LoginFlow.Choices()
    choices.source = invocation[CommonOptions.source]
    choices.expiresIn = invocation[CommonOptions.expiresIn]
    choices.activate = invocation[CommonOptions.activate]
    choices.verify = invocation[CommonOptions.verify]
    choices.deleteExisting = invocation[deleteExisting]
    return try await LoginFlow(invocation: invocation).run(choices)
  }

  static let rotate = CommandSpec(
    name: "rotate", abstract: "Log in again for a new token, store it and revoke the token it replaces.",
    discussion: """
      The same as `modal token new --delete-existing --no-activate`, always verified: the new token
      goes to the profile named by --profile (or MODAL_PROFILE), else to the profile named after its
      workspace, as with `modal token new`; the token that profile held is revoked only after the
      new one has been verified and written. That may not be the active profile: pass --profile to
      rotate the token of a given profile.
      """,
    options: [
      CommonOptions.expiresIn, CommonOptions.source, CommonOptions.secretStorage, CommonOptions.insecureStorage,
    ]
  ) { invocation in
    var choices = LoginFlow.Choices()
    choices.source = invocation[CommonOptions.source]
    choices.expiresIn = invocation[CommonOptions.expiresIn]
    choices.activate = false
    choices.verify = true
    choices.deleteExisting = true
    return try await LoginFlow(invocation: invocation).run(choices)
  }
}
