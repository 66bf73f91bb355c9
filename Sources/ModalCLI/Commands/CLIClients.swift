import Modal

/// Creates SDK clients for commands, with the command line's profile and a warning printer.
enum CLIClients {
  /// A client from the configuration (arguments, environment, profile), its credentials resolved
  /// at once so that a command reports a credential problem before it does anything else.
  ///
  /// - Parameter source: How a given pair is described: `.named("the values given to `modal token
  ///   set`")`, or `.arguments` ("arguments passed in code").
  static func make(
    _ invocation: Invocation, tokenID: String? = nil, tokenSecret: String? = nil, source: Credentials.Source = .arguments,
    profile: String? = nil, serverURL: String? = nil, tokenSecretCommandTimeout: Duration? = nil
  ) async throws(ModalError) -> ModalClient {
    let console = invocation.console
    var options = ModalClient.Options(
      profile: profile ?? invocation.profile, serverURL: serverURL, host: invocation.host,
      warningHandler: { warning in console.writeError("Warning: \(warning.message)\n") },
      tokenSecretCommandTimeout: tokenSecretCommandTimeout)
    if case .named(let description) = source, let tokenID, let tokenSecret, !tokenID.isEmpty, !tokenSecret.isEmpty {
      options.credentialProvider = .static(tokenID: tokenID, tokenSecret: tokenSecret, description: description)
    } else {
      options.tokenID = tokenID
      options.tokenSecret = tokenSecret
    }
    let client = try ModalClient(options: options)
    _ = try await client.credentials()
    return client
  }
}
