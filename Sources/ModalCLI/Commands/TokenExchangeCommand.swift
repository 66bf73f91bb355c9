import CommandLineKit
import Modal

/// `modal token exchange`: trades a CI platform's OIDC token for a short-lived Modal token pair
/// (workload identity federation) and prints it for other tools, or stores it in a profile.
enum TokenExchangeCommand {
  static let tokenFile = Option<String?>(
    "--oidc-token-file", placeholder: "FILE", help: "Read the OIDC token from FILE (default: MODAL_OIDC_TOKEN_FILE).")
  static let token = Option<String?>(
    "--oidc-token", placeholder: "TEXT", help: "The OIDC token; - reads it from stdin (default: MODAL_OIDC_TOKEN).")
  static let provider = Option<String?>(
    "--provider", placeholder: "NAME", help: "Get the OIDC token from the CI platform: github-actions (default: MODAL_OIDC_PROVIDER).")
  static let format = Option<String?>(
    "--format", placeholder: "FORMAT",
    help: "env (NAME=value lines, the default), json, github-env (lines for >> $GITHUB_ENV), or credential-process.")

  static let spec = CommandSpec(
    name: "exchange", abstract: "Exchange a CI platform's OIDC token for a short-lived token (keyless CI).",
    discussion: """
      The server must trust the token's issuer (`modal-server federation add`). The token endpoint is
      MODAL_OIDC_TOKEN_ENDPOINT, or the one the server at MODAL_SERVER_URL (or the profile's
      server_url) names. Without --profile the pair is printed; with --profile it is stored there.
      In a GitHub Actions job with `permissions: id-token: write`:
        modal token exchange --provider github-actions --format github-env >> "$GITHUB_ENV"
      (MODAL_OIDC_AUDIENCE sets the audience asked for; MODAL_OIDC_WORKSPACE picks the workspace
      when several trust the token.) Under GitHub Actions the secret is masked first with
      `::add-mask::`, on standard error when standard output is a file.
      --format credential-process prints {"Version":1,"TokenId":…,"TokenSecret":…,"Expiration":…}
      on one line (Expiration in ISO 8601 UTC, e.g. 2026-12-07T01:00:00Z), for a tool that runs a
      command to get its credentials and runs it again when they expire.
      """,
    options: [tokenFile, token, provider, format]
  ) { invocation in
    let shape = try OutputShape(invocation[format])
    let host = try hostWithChosenSource(invocation)
    let config = try ModalConfig(host: host, profile: invocation.profile)
    guard let settings = try FederationSettings(host: host) else {
      throw ModalError(
        .invalidArgument, "No OIDC token to exchange.",
        remedy: "Pass --oidc-token-file FILE, --oidc-token - or --provider github-actions (or set MODAL_OIDC_TOKEN_FILE, MODAL_OIDC_TOKEN or MODAL_OIDC_PROVIDER).")
    }
    let (minted, endpoint) = try await FederatedExchange.run(settings: settings, context: CredentialContext(config: config))
    if invocation.profile != nil {
      try await TokenStorage(invocation: invocation).store(
        tokenID: minted.tokenID, tokenSecret: minted.tokenSecret,
        source: .federation(endpoint: endpoint, subject: settings.subject.shortDescription),
        activate: false, verify: true, deleteExisting: false)
      return 0
    }
    shape.print(minted, invocation: invocation)
    return 0
  }

  /// The invocation's host with the OIDC token source the options name replacing the variables'.
  private static func hostWithChosenSource(_ invocation: Invocation) throws -> HostEnvironment {
    var host = invocation.host
    let chosen: [(String, String)] = [
      invocation[tokenFile].map { ("MODAL_OIDC_TOKEN_FILE", $0) },
      try invocation[token].map { ("MODAL_OIDC_TOKEN", try $0 == "-" ? readStandardInput(invocation) : $0) },
      invocation[provider].map { ("MODAL_OIDC_PROVIDER", $0) },
    ].compactMap { $0 }
    guard chosen.count <= 1 else {
      throw ModalError(.invalidArgument, "Give at most one of --oidc-token-file, --oidc-token and --provider.")
    }
    if let (name, value) = chosen.first {
      for variable in ["MODAL_OIDC_TOKEN_FILE", "MODAL_OIDC_TOKEN", "MODAL_OIDC_PROVIDER"] { host.variables[variable] = nil }
      host.variables[name] = value
    }
    return host
  }

  private static func readStandardInput(_ invocation: Invocation) throws -> String {
    guard let line = invocation.console.readLine(), !line.isEmpty else {
      throw ModalError(.invalidArgument, "Standard input ended before the OIDC token was read.", remedy: "Pipe the token on one line.")
    }
    return line
  }

  /// How the minted pair is printed.
  enum OutputShape {
    case env, json, githubEnv, credentialProcess

    init(_ name: String?) throws {
      switch name ?? "env" {
      case "env": self = .env
      case "json": self = .json
      case "github-env": self = .githubEnv
      case "credential-process": self = .credentialProcess
      case let other:
        throw ModalError(
          .invalidArgument, "--format \(other) is not a known format.", remedy: "Use env, json, github-env or credential-process.")
      }
    }

    func print(_ minted: FederatedToken, invocation: Invocation) {
      let console = invocation.console
      var lines = [("MODAL_TOKEN_ID", minted.tokenID), ("MODAL_TOKEN_SECRET", minted.tokenSecret)]
      if let environment = minted.environment { lines.append(("MODAL_ENVIRONMENT", environment)) }
      switch self {
      case .env:
        for (name, value) in lines { console.write("\(name)=\(value)\n") }
      case .githubEnv:
        if invocation.host.variables["GITHUB_ACTIONS"] == "true" {
          // The runner reads workflow commands from both streams; a mask line must not land in
          // the $GITHUB_ENV file that standard output is usually appended to.
          let mask = "::add-mask::\(minted.tokenSecret)\n"
          if console.isOutputFile { console.writeError(mask) } else { console.write(mask) }
        }
        for (name, value) in lines { console.write("\(name)=\(value)\n") }
      case .json:
        var members: [(String, JSONValue)] = [
          ("token_id", .string(minted.tokenID)), ("token_secret", .string(minted.tokenSecret)),
          ("expires_in", .integer(Int64(minted.expiresIn))),
        ]
        if let workspace = minted.workspace { members.append(("workspace", .string(workspace))) }
        if let environment = minted.environment { members.append(("environment", .string(environment))) }
        if let scope = minted.scope { members.append(("scope", .string(scope))) }
        console.write(JSONValue.object(members).rendered() + "\n")
      case .credentialProcess:
        console.write(
          TokenExportCommand.credentialProcessDocument(
            tokenID: minted.tokenID, tokenSecret: minted.tokenSecret, expiration: minted.expiresAt))
      }
    }
  }
}
