import CommandLineKit
import Modal

/// `modal token export`: a profile's token pair in the shape another tool takes: environment lines
/// (the Python client, shells, `.env` files), a JSON object, or a credential-process document.
enum TokenExportCommand {
  /// The shapes `--format` offers.
  enum Format: String, CaseIterable {
    /// `MODAL_TOKEN_ID=…` and `MODAL_TOKEN_SECRET=…` lines (`--shell`: `export NAME='value'`).
    case env
    /// `{"token_id": …, "token_secret": …, "profile": …}`.
    case json
    /// `{"Version":1,"TokenId":…,"TokenSecret":…}` on one line, for tools that run a command to
    /// get credentials (as AWS's `credential_process` does, with Modal's names; docs/cli.md).
    case credentialProcess = "credential-process"
  }

  static let shell = Flag("--shell", help: "With --format env: print `export NAME='value'` lines for a shell's eval.")
  static let format = Option<Format>(
    "--format", placeholder: "env|json|credential-process", default: .env,
    help: "Output shape: env lines (default), a JSON object, or a credential-process document."
  ) { text throws(InvalidValue) in
    guard let format = Format(rawValue: text) else {
      throw InvalidValue("--format must be env, json or credential-process, not '\(text)'.")
    }
    return format
  }

  static let spec = CommandSpec(
    name: "export", abstract: "Print the token of a profile for another tool: env lines, JSON or a credential-process document.",
    discussion: """
      For tools that cannot read a secret kept off disk (the Python client reads only token_secret
      in the file): `eval "$(modal token export --shell --profile work)"` sets both variables.
      --format json prints {"token_id", "token_secret", "profile"}; --format credential-process prints
      {"Version":1,"TokenId":…,"TokenSecret":…} on one line, for a tool that runs a command to get
      its credentials. The secret goes to standard output only; a warning goes to standard error
      when that is a terminal.
      """,
    options: [format, shell]
  ) { invocation in
    let format = invocation[format]
    if invocation[shell] && format != .env {
      throw UsageError("--shell goes with --format env only.", commandPath: invocation.commandPath)
    }
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
    console.write(render(credentials, profile: name, as: format, shell: invocation[shell]))
    return 0
  }

  /// The text `--format` asks for, ending with a newline.
  static func render(_ credentials: Credentials, profile: String, as format: Format, shell: Bool) -> String {
    switch format {
    case .env:
      let pairs = [("MODAL_TOKEN_ID", credentials.tokenID), ("MODAL_TOKEN_SECRET", credentials.tokenSecret)]
      return pairs.map { shell ? "export \($0)=\(ShellQuoting.quote($1))\n" : "\($0)=\($1)\n" }.joined()
    case .json:
      return JSONValue.object([
        ("token_id", .string(credentials.tokenID)), ("token_secret", .string(credentials.tokenSecret)),
        ("profile", .string(profile)),
      ]).rendered() + "\n"
    case .credentialProcess:
      // No Expiration: neither a profile nor the variables know when a token expires, and a
      // document without it means "until refused", as in AWS's format.
      return credentialProcessDocument(tokenID: credentials.tokenID, tokenSecret: credentials.tokenSecret, expiration: nil)
    }
  }

  /// `{"Version":1,"TokenId":…,"TokenSecret":…}` and, when the token's expiry is known,
  /// `"Expiration":"2026-12-07T01:00:00Z"` (ISO 8601, UTC, as AWS's `credential_process` writes
  /// it), on one line: readers of credential processes take the whole output as one document.
  static func credentialProcessDocument(tokenID: String, tokenSecret: String, expiration: UnixTime?) -> String {
    var members: [(String, JSONValue)] = [
      ("Version", .integer(1)), ("TokenId", .string(tokenID)), ("TokenSecret", .string(tokenSecret)),
    ]
    if let expiration { members.append(("Expiration", .string(expiration.description))) }
    return JSONValue.object(members).compact + "\n"
  }
}
