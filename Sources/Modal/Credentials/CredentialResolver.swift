import ModalTokenFormat

/// Resolves the default precedence (``AnyCredentialProvider/default``) with the sendability check
/// a client applies, for the command line's `doctor` and for tests.
package struct CredentialResolver: Sendable {
  /// The configuration to read the environment and profile from, and the command time limit.
  package let context: CredentialContext

  /// Creates a resolver over a configuration.
  package init(config: ModalConfig, secretCommandTimeout: Duration = TokenSecretCommand.defaultTimeout) {
    context = CredentialContext(config: config, secretCommandTimeout: secretCommandTimeout)
  }

  /// The credentials of the first source that has them: a pair passed in code, the environment,
  /// the selected profile.
  ///
  /// - Throws: ``ModalError`` when profile selection is ambiguous, a source has half a pair, or no
  ///   source has credentials; the message lists every source tried and why it gave nothing.
  package func resolve(tokenID: String? = nil, tokenSecret: String? = nil) async throws(ModalError) -> Credentials {
    let credentials = try await AnyCredentialProvider.standard(tokenID: tokenID, tokenSecret: tokenSecret)
      .credentials(context: context)
    try Self.checkSendable(credentials)
    return credentials
  }

  /// The credentials one profile holds, ignoring arguments and environment variables; nil when
  /// the profile is missing or has neither key.
  package func profileCredentials(_ name: String) async throws(ModalError) -> Credentials? {
    try await ProfileCredentials(context: context).credentials(name)
  }

  /// Refuses a pair that cannot be right, before anything is sent: characters that are not
  /// printable ASCII (no token has them, and gRPC could not send them), or a checksummed secret
  /// whose checksum or length shows it was mistyped or cut off (``TokenSecretFormat``). The server
  /// would otherwise be blamed for a local mistake.
  package static func checkSendable(_ credentials: Credentials) throws(ModalError) {
    var values = [("token id", credentials.tokenID), ("token secret", credentials.tokenSecret)]
    if let oauth = credentials.oauth {
      values = [("OAuth refresh token", oauth.refreshToken), ("OAuth client id", oauth.clientID)]
      if case .secret(let secret) = oauth.clientAuthentication { values.append(("OAuth client secret", secret)) }
    }
    for (label, value) in values {
      guard let position = Credentials.firstNonPrintableASCII(in: value) else { continue }
      throw ModalError(
        .invalidCredentials,
        "The \(label) from \(credentials.source) has a character that is not printable ASCII (character \(position)); tokens are plain ASCII, so this looks like a paste or typing problem (an accented letter, a smart quote, an invisible character). Nothing was sent to the server.",
        remedy: remedy(for: credentials.source))
    }
    if credentials.oauth == nil, case .mistyped(let problem) = TokenSecretFormat.inspect(credentials.tokenSecret) {
      throw ModalError(
        .invalidCredentials,
        "The token secret from \(credentials.source) is damaged: \(problem). Nothing was sent to the server.",
        remedy: remedy(for: credentials.source))
    }
  }

  /// What to do about a damaged value, by where it came from.
  private static func remedy(for source: Credentials.Source) -> String {
    switch source {
    case .arguments: "Check the tokenID and tokenSecret passed in code."
    case .named: "Copy the token id and secret afresh from where the token was shown, and give them again."
    case .environment: "Set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET again, copying the values afresh from where the token was shown."
    case .profile(let name, _): "Store the token again with `modal token set --profile \(name)`, copying the values afresh."
    case .profileCommand(let name, _): "Check what the token_secret_command of profile '\(name)' prints, or store the secret with `modal token set --profile \(name)`."
    case .profileStore(let name, _, let storage): "Store the token again with `modal token set --profile \(name) --secret-storage \(storage)`, copying the values afresh."
    case .federation: "Check that the token endpoint is a Modal server's /oauth/token."
    }
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
