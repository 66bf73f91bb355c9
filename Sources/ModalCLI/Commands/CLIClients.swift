import Modal

/// Creates SDK clients for commands, with the command line's profile and a warning printer.
enum CLIClients {
  /// A client from the configuration (arguments, environment, profile).
  static func make(
    _ invocation: Invocation, tokenID: String? = nil, tokenSecret: String? = nil, source: Credentials.Source = .arguments,
    profile: String? = nil, serverURL: String? = nil, tokenSecretCommandTimeout: Duration? = nil
  ) throws(ModalError) -> ModalClient {
    let console = invocation.console
    var options = ModalClient.Options(
      tokenID: tokenID, tokenSecret: tokenSecret, profile: profile ?? invocation.profile, serverURL: serverURL,
      host: invocation.host,
      warningHandler: { warning in console.writeError("Warning: \(warning.message)\n") },
      tokenSecretCommandTimeout: tokenSecretCommandTimeout)
    options.argumentsSource = source
    return try ModalClient(options: options)
  }
}
