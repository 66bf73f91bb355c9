import CommandLineKit
import Modal

/// `modal token export`: a profile's token pair as MODAL_TOKEN_ID/MODAL_TOKEN_SECRET lines, for the
/// Python client and other tools that cannot read a secret kept in a keyring or a helper.
enum TokenExportCommand {
  static let shell = Flag("--shell", help: "Print `export NAME='value'` lines for a shell's eval instead of NAME=value lines.")

  static let spec = CommandSpec(
    name: "export", abstract: "Print the token of a profile as MODAL_TOKEN_ID and MODAL_TOKEN_SECRET lines.",
    discussion: """
      For tools that cannot read a secret kept off disk (the Python client reads only token_secret
      in the file): `eval "$(modal token export --shell --profile work)"` sets both variables. The
      secret goes to standard output only; a warning goes to standard error when that is a terminal.
      """,
    options: [shell]
  ) { invocation in
    let config = try ModalConfig(host: invocation.host, profile: invocation.profile)
    let name = config.profileName
    guard let credentials = try await CredentialResolver(config: config).profileCredentials(name) else {
      throw ModalError(
        .profileNotFound, "Profile '\(name)' in \(config.file.path) has no token to export.",
        remedy: "Run `modal profile list` to see the profiles, or `modal token new --profile \(name)` to create a token.")
    }
    let console = invocation.console
    if console.isOutputTerminal {
      console.writeError("Warning: this prints the token secret of profile '\(name)'; do not paste it where others can read it.\n")
    }
    let pairs = [("MODAL_TOKEN_ID", credentials.tokenID), ("MODAL_TOKEN_SECRET", credentials.tokenSecret)]
    for (variable, value) in pairs {
      console.write(invocation[shell] ? "export \(variable)=\(ShellQuoting.quote(value))\n" : "\(variable)=\(value)\n")
    }
    return 0
  }
}
