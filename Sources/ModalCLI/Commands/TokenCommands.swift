import CommandLineKit
import Modal

/// `modal token set|info`: store a token pair in a profile, and show the token in use.
enum TokenCommands {
  static let group = CommandSpec(name: "token", abstract: "Manage tokens.", subcommands: [info, TokenLifecycleCommands.list, LoginCommands.new, TokenLifecycleCommands.revoke, LoginCommands.rotate, ScanCommand.spec, set, TokenExportCommand.spec, TokenExchangeCommand.spec, TokenMigrateCommand.spec])

  static let set = CommandSpec(
    name: "set", abstract: "Set account credentials for connecting to Modal.",
    discussion: """
      If the credentials are not given as options, you are asked for them (the secret is not echoed).
      Pass `-` as a value to read it from standard input instead, so it never sits in shell history:
        printf '%s\\n' "$SECRET" | modal token set --token-id ak-… --token-secret - --profile work
      """,
    options: [
      tokenID, tokenSecret, CommonOptions.activate, CommonOptions.verify, deleteExisting, CommonOptions.secretStorage,
      CommonOptions.insecureStorage,
    ]
  ) { invocation in
    let tokenID = try readCredential(invocation, option: tokenID, label: "token id", prompt: "Token ID: ")
    let tokenSecret = try readCredential(invocation, option: tokenSecret, label: "token secret", prompt: "Token secret: ")
    try TokenValidation.check(tokenID: tokenID, tokenSecret: tokenSecret)
    try await TokenStorage(invocation: invocation).store(
      tokenID: tokenID, tokenSecret: tokenSecret, source: .named("the values given to `modal token set`"),
      activate: invocation[CommonOptions.activate], verify: invocation[CommonOptions.verify],
      deleteExisting: invocation[deleteExisting])
    return 0
  }

  static let tokenID = Option<String?>(
    "--token-id", placeholder: "TEXT", help: "Account token ID (or - to read it from stdin).")
  static let tokenSecret = Option<String?>(
    "--token-secret", placeholder: "TEXT", help: "Account token secret (or - to read it from stdin).")
  static let deleteExisting = Flag(
    "--delete-existing", help: "In addition to setting a new token, delete the existing token in the active profile.")

  static let info = CommandSpec(
    name: "info", abstract: "Display information about the token that is currently in use."
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let info = try await client.tokens.info()
    let console = invocation.console
    let variables = credentialVariablesSet(in: invocation.host)
    if !variables.isEmpty {
      console.write("(Using \(variables.joined(separator: " and ")) environment variable\(variables.count > 1 ? "s" : ""))\n")
    } else if case .profile(let name, let path) = (try await client.credentials()).source {
      console.write("(Using profile \(name) in \(path))\n")
    } else if case .profileCommand(let name, let path) = (try await client.credentials()).source {
      console.write("(Using profile \(name) in \(path), secret from token_secret_command)\n")
    } else if case .profileStore(let name, let path, let storage) = (try await client.credentials()).source {
      console.write("(Using profile \(name) in \(path), secret in \(storage.storeDescription))\n")
    } else if case .federation(let endpoint, let subject) = (try await client.credentials()).source {
      console.write("(Using a token exchanged at \(endpoint) for the OIDC token from \(subject))\n")
    }
    console.write("Token: \(info.id)\n")
    if !info.name.isEmpty { console.write("Name: \(info.name)\n") }
    console.write("Workspace: \(info.workspaceName) (\(info.workspaceID))\n")
    switch info.identity {
    case .user(let user):
      console.write("User: \(user.name) (\(user.id))\n")
    case .serviceUser(let service, let creator):
      console.write("Service User: \(service.name) (\(service.id))\n")
      if let creator { console.write("Created By: \(creator.name) (\(creator.id))\n") }
    case .unknown:
      break
    }
    if let created = info.createdAt { console.write("Created at: \(LocalTime.format(created))\n") }
    if let expires = info.expiresAt { console.write("Expires at: \(LocalTime.format(expires))\n") }
    if let policy = federationPolicy(tokenName: info.name) {
      console.write("Minted by federation: trust policy '\(policy)'\(info.expiresAt.map { ", expires \(LocalTime.format($0))" } ?? "")\n")
    }
    return 0
  }

  /// The trust policy that minted a token, from the name the server gives such tokens
  /// (`oidc:POLICY`, docs/federation.md); nil for other tokens.
  static func federationPolicy(tokenName: String) -> String? {
    guard tokenName.hasPrefix("oidc:"), tokenName.count > 5 else { return nil }
    return String(tokenName.dropFirst(5))
  }

  /// The credential variables that are set (and not empty), in the Python client's order.
  static func credentialVariablesSet(in host: HostEnvironment) -> [String] {
    [
      "MODAL_TOKEN_ID", "MODAL_TOKEN_SECRET", "MODAL_OAUTH_REFRESH_TOKEN", "MODAL_OAUTH_CLIENT_ID",
      "MODAL_OAUTH_CLIENT_SECRET", "MODAL_OAUTH_JWT_KEY",
    ].filter { host.modalVariable($0) != nil }
  }

  /// Warns, as the Python client does, when environment variables will override stored credentials.
  static func warnAboutOverridingVariables(_ invocation: Invocation) {
    let names = credentialVariablesSet(in: invocation.host)
    guard !names.isEmpty else { return }
    let plural = names.count > 1
    invocation.console.write(
      "Warning: The \(names.joined(separator: " / ")) environment variable\(plural ? "s" : "") \(plural ? "are" : "is") set; this will override your new credentials.\n")
  }

  /// A credential from its option, from standard input (`-`), or from a prompt.
  private static func readCredential(
    _ invocation: Invocation, option: Option<String?>, label: String, prompt: String
  ) throws -> String {
    let console = invocation.console
    let given = invocation[option]
    let value: String
    if given == "-" || (given == nil && !console.isInputTerminal) {
      guard let line = console.readLine() else {
        throw ModalError(
          .invalidArgument, "Standard input ended before the \(label) was read.",
          remedy: "Pipe the value on its own line, or pass \(option.declaration.name).")
      }
      value = line
    } else if let given {
      value = given
    } else {
      guard let typed = console.readSecret(prompt: prompt) else {
        throw ModalError(.invalidArgument, "Cancelled; nothing was written.")
      }
      value = typed
    }
    return value.trimmingSpacesAndTabs()
  }
}

extension String {
  /// The string without leading and trailing spaces and tabs.
  func trimmingSpacesAndTabs() -> String {
    var scalars = Substring(self)
    while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
    while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
    return String(scalars)
  }
}
