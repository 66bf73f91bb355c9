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
    options: [OptionSpec("--source", .value(placeholder: "TEXT"), hidden: true)]
  ) { invocation in
    var choices = LoginFlow.Choices()
    choices.nextURL = "/home"
    choices.source = invocation.value("--source") ?? ""
    return try await LoginFlow(invocation: invocation).run(choices)
  }

  static let new = CommandSpec(
    name: "new", abstract: "Create a new token by using an authenticated web session.",
    options: [
      OptionSpec("--activate", .toggle(negation: "--no-activate", default: true), help: "Activate the profile containing this token after creation."),
      OptionSpec("--verify", .toggle(negation: "--no-verify", default: true), help: "Make a test request to verify the new credentials."),
      OptionSpec("--expires-in", .value(placeholder: "TEXT"), help: "Token lifetime, such as 30m, 12h, or 7d."),
      OptionSpec("--delete-existing", help: "In addition to creating a new token, delete the existing token in the active profile."),
      OptionSpec("--source", .value(placeholder: "TEXT"), hidden: true),
    ]
  ) { invocation in
    var choices = LoginFlow.Choices()
    choices.source = invocation.value("--source") ?? ""
    choices.expiresIn = try expiresIn(invocation)
    choices.activate = invocation.flag("--activate", default: true)
    choices.verify = invocation.flag("--verify", default: true)
    choices.deleteExisting = invocation.flag("--delete-existing")
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
      OptionSpec("--expires-in", .value(placeholder: "TEXT"), help: "Token lifetime, such as 30m, 12h, or 7d."),
      OptionSpec("--source", .value(placeholder: "TEXT"), hidden: true),
    ]
  ) { invocation in
    var choices = LoginFlow.Choices()
    choices.source = invocation.value("--source") ?? ""
    choices.expiresIn = try expiresIn(invocation)
    choices.activate = false
    choices.verify = true
    choices.deleteExisting = true
    return try await LoginFlow(invocation: invocation).run(choices)
  }

  private static func expiresIn(_ invocation: Invocation) throws(UsageError) -> UInt32 {
    guard let text = invocation.value("--expires-in") else { return 0 }
    return try ExpiresIn.seconds(text, commandPath: invocation.commandPath)
  }
}
