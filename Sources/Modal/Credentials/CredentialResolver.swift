import TOML

/// Finds credentials in the documented order: arguments, then `MODAL_TOKEN_ID`/`MODAL_TOKEN_SECRET`,
/// then the selected profile (whose secret may come from its `token_secret_command`). Each source supplies both halves of the pair or neither (difference D1).
public struct CredentialResolver: Sendable {
  /// The configuration to read the environment and profile from.
  public let config: ModalConfig
  /// How long a profile's `token_secret_command` may run.
  public let secretCommandTimeout: Duration

  /// Creates a resolver over a configuration.
  public init(config: ModalConfig, secretCommandTimeout: Duration = TokenSecretCommand.defaultTimeout) {
    self.config = config
    self.secretCommandTimeout = secretCommandTimeout
  }

  /// The credentials of the first source that has them.
  ///
  /// - Parameters:
  ///   - tokenID: A token id passed in code, or nil.
  ///   - tokenSecret: A token secret passed in code, or nil.
  ///   - argumentsSource: How a pair passed in code is described in errors (`.arguments`, or
  ///     `.named(…)` when the caller knows better, like a command line).
  /// - Throws: ``ModalError`` when profile selection is ambiguous, a source has half a pair, or no
  ///   source has credentials; the message lists every source tried and why it gave nothing.
  public func resolve(
    tokenID: String? = nil, tokenSecret: String? = nil, argumentsSource: Credentials.Source = .arguments
  ) throws(ModalError) -> Credentials {
    let credentials = try find(tokenID: tokenID, tokenSecret: tokenSecret, argumentsSource: argumentsSource)
    try Self.checkSendable(credentials)
    return credentials
  }

  /// Refuses a pair with characters that are not printable ASCII: no token has them, and gRPC could
  /// not send them (the server would be blamed for a local mistake).
  static func checkSendable(_ credentials: Credentials) throws(ModalError) {
    for (label, value) in [("token id", credentials.tokenID), ("token secret", credentials.tokenSecret)] {
      guard let position = Credentials.firstNonPrintableASCII(in: value) else { continue }
      let remedy: String
      switch credentials.source {
      case .arguments: remedy = "Check the tokenID and tokenSecret passed in code."
      case .named: remedy = "Copy the token id and secret afresh from where the token was shown, and give them again."
      case .environment: remedy = "Set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET again, copying the values afresh from where the token was shown."
      case .profile(let name, _): remedy = "Store the token again with `modal token set --profile \(name)`, copying the values afresh."
      case .profileCommand(let name, _): remedy = "Check what the token_secret_command of profile '\(name)' prints, or store the secret with `modal token set --profile \(name)`."
      }
      throw ModalError(
        .invalidCredentials,
        "The \(label) from \(credentials.source) has a character that is not printable ASCII (character \(position)); tokens are plain ASCII, so this looks like a paste or typing problem (an accented letter, a smart quote, an invisible character). Nothing was sent to the server.",
        remedy: remedy)
    }
  }

  private func find(tokenID: String?, tokenSecret: String?, argumentsSource: Credentials.Source) throws(ModalError)
    -> Credentials
  {
    var tried: [String] = []
    let argumentID = tokenID.flatMap { $0.isEmpty ? nil : $0 }
    let argumentSecret = tokenSecret.flatMap { $0.isEmpty ? nil : $0 }
    switch (argumentID, argumentSecret) {
    case (let id?, let secret?):
      return Credentials(tokenID: id, tokenSecret: secret, source: argumentsSource)
    case (.some, nil):
      throw ModalError(.missingCredentials, "A token id was passed in code without a token secret.", remedy: "Pass both tokenID and tokenSecret, or neither.")
    case (nil, .some):
      throw ModalError(.missingCredentials, "A token secret was passed in code without a token id.", remedy: "Pass both tokenID and tokenSecret, or neither.")
    case (nil, nil):
      tried.append("arguments: none passed in code")
    }

    try config.checkProfiles()

    let host = config.host
    switch (host.modalVariable("MODAL_TOKEN_ID"), host.modalVariable("MODAL_TOKEN_SECRET")) {
    case (let id?, let secret?):
      return Credentials(tokenID: id, tokenSecret: secret, source: .environment)
    case (.some, nil):
      throw halfPair(set: "MODAL_TOKEN_ID", missing: "MODAL_TOKEN_SECRET")
    case (nil, .some):
      throw halfPair(set: "MODAL_TOKEN_SECRET", missing: "MODAL_TOKEN_ID")
    case (nil, nil):
      tried.append("environment: MODAL_TOKEN_ID and MODAL_TOKEN_SECRET are not set")
    }

    let file = config.file
    let name = config.profileName
    guard file.profile(name) != nil else {
      if config.selection.reason != .implicitDefault {
        throw ModalError(
          .profileNotFound,
          "Modal profile '\(name)' was not found in \(file.path). Run `modal profile list` to see available profiles, or `modal token new --profile \(name)` to configure it.")
      }
      let why = file.exists
        ? "profile 'default' in \(file.path): no such profile, and no profile is marked active = true"
        : "profile 'default' in \(file.path): the file does not exist"
      tried.append(why)
      throw notFound(tried)
    }
    guard let credentials = try profileCredentials(name) else {
      tried.append("profile '\(name)' in \(file.path): it has no token_id and token_secret")
      throw notFound(tried)
    }
    return credentials
  }

  /// The credentials one profile holds, ignoring arguments and environment variables: its
  /// `token_id` and `token_secret`, or the first line printed by its `token_secret_command`.
  ///
  /// - Returns: nil when the file has no such profile, or the profile has neither key.
  /// - Throws: ``ModalError`` when the profile has half a pair or its command fails.
  public func profileCredentials(_ name: String) throws(ModalError) -> Credentials? {
    let file = config.file
    guard let profile = file.profile(name) else { return nil }
    let source = Credentials.Source.profile(name: name, path: file.path)
    switch (profile["token_id"]?.stringValue.nonEmpty, profile["token_secret"]?.stringValue.nonEmpty) {
    case (let id?, let secret?):
      return Credentials(tokenID: id, tokenSecret: secret, source: source)
    case (let id?, nil):
      if let command = profile["token_secret_command"]?.stringValue.nonEmpty {
        let secret = try TokenSecretCommand(command: command, timeout: secretCommandTimeout)
          .run(environment: config.host.variables, profile: name)
        return Credentials(tokenID: id, tokenSecret: secret, source: .profileCommand(name: name, path: file.path))
      }
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

  private func halfPair(set: String, missing: String) -> ModalError {
    ModalError(
      .missingCredentials, "\(set) is set but \(missing) is not; a token id and secret must come from the same place.",
      remedy: "Set \(missing) too, or unset \(set) to use the credentials of your config file.")
  }

  private func notFound(_ tried: [String]) -> ModalError {
    let list = tried.enumerated().map { "  \($0.offset + 1). \($0.element)" }.joined(separator: "\n")
    return ModalError(
      .missingCredentials,
      "Token missing. Could not authenticate client. Sources tried, in order:\n\(list)",
      remedy: "To fix it, do one of:\n  - run `modal setup` to log in through your browser and save a token,\n  - set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET in the environment,\n  - run `modal token set` to store a token you already have.")
  }
}

extension String {
  /// Nil for an empty string, else the string.
  var nonEmpty: String? { isEmpty ? nil : self }
}

extension Optional where Wrapped == String {
  /// Nil for nil or an empty string.
  var nonEmpty: String? { self.flatMap { $0.isEmpty ? nil : $0 } }
}
