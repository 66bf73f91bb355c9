import RPC

/// Turns a failed call into a ``ModalError`` that says what happened and what to do, with the
/// server's message first, as the Python client prints it.
struct ErrorMapping {
  /// Where the credentials came from, for authentication errors; nil for anonymous calls.
  let credentials: Credentials?
  /// The URL the call went to.
  let serverURL: String
  /// The profile in use.
  let profile: String

  /// The error for a failed call, with the call's gRPC status as its ``ModalError/cause``.
  func error(for failure: RPCError, method: String) -> ModalError {
    mapped(failure, method: method).with(cause: ModalError.Cause(code: failure.code, message: failure.message))
  }

  private func mapped(_ failure: RPCError, method: String) -> ModalError {
    let message = failure.message.isEmpty ? "\(failure.code) from \(method)" : failure.message
    if let connection = failure.connectionFailure {
      // A deadline that passed while connecting is a time-out (a server that accepts TCP but
      // never answers); a refused or failed connection is a connection error.
      return ModalError(
        failure.code == .deadlineExceeded ? .timeout : .connection,
        "Could not connect to the Modal server at \(serverURL): \(connection.summary).",
        remedy: Self.sentence(connection.remedy))
    }
    var tokenOrigin: String {
      switch credentials?.source {
      case .profile(let name, _)?, .profileCommand(let name, _)?, .profileStore(let name, _, _)?: return "profile '\(name)'"
      case let source?: return "the token from \(source)"
      case nil: return "profile '\(profile)'"
      }
    }
    switch failure.code {
    case .unauthenticated:
      return ModalError(.authentication, message, remedy: authenticationRemedy())
    case .permissionDenied:
      return ModalError(
        .permissionDenied, message,
        remedy: "The token is valid but may not do this. Check that \(tokenOrigin) points at the workspace you mean (`modal token info`), that the token's scopes allow this call, and that the resource exists in that workspace and environment.")
    case .notFound: return ModalError(.notFound, message)
    case .alreadyExists: return ModalError(.alreadyExists, message)
    case .invalidArgument, .outOfRange: return ModalError(.invalidArgument, message)
    case .failedPrecondition, .aborted: return ModalError(.conflict, message)
    case .resourceExhausted: return ModalError(.resourceExhausted, message, remedy: "Wait a moment and try again.")
    case .unimplemented:
      return ModalError(.unimplemented, message, remedy: "The server at \(serverURL) does not support this call; check the server URL and its version.")
    case .deadlineExceeded:
      return ModalError(.timeout, message, remedy: "The server at \(serverURL) did not answer in time; try again.")
    case .cancelled: return ModalError(.cancelled, message)
    case .internal, .dataLoss, .unknown: return ModalError(.serverError, message, remedy: "Try again; if it keeps failing, the server at \(serverURL) has a problem.")
    default:
      return ModalError(.unavailable, message, remedy: "The server at \(serverURL) is unavailable; try again in a moment.")
    }
  }

  /// The RPC layer's lower-case remedy as a sentence: capitalised, ending with a full stop.
  static func sentence(_ text: String) -> String {
    guard let first = text.first else { return text }
    let capitalised = first.uppercased() + text.dropFirst()
    return capitalised.hasSuffix(".") ? capitalised : capitalised + "."
  }

  private func authenticationRemedy() -> String {
    guard let credentials else {
      return "The call needs credentials: run `modal setup`, or set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET."
    }
    if let oauth = credentials.oauth {
      return """
        The server at \(serverURL) rejected the \(oauth) from \(credentials.source). Check that the refresh token, \
        client id and client secret (or JWT key) are the app's, as issued, and that the user has not revoked the \
        app's access; otherwise have the user authorize the app again.
        """
    }
    // Only the checks that fit where the pair came from.
    var checks = [
      "the token id and secret are exactly as shown when the token was created (no spaces, not swapped);",
      "the token is still active: not expired, not revoked (see your tokens in the dashboard);",
    ]
    switch credentials.source {
    case .profile, .profileCommand, .profileStore:
      checks.append("the config file is well formed and the right profile is selected (`modal config show`, `modal profile current`);")
    case .environment:
      checks.append("MODAL_TOKEN_ID and MODAL_TOKEN_SECRET are meant to override the config file (unset them to use its profile);")
    case .federation:
      checks.append("the trust policy that minted it still exists (removing a policy revokes its tokens);")
    case .arguments, .named:
      break
    }
    let numbered = checks.enumerated().map { "  \($0.offset + 1). \($0.element)" }.joined(separator: "\n")
    let newToken: String
    switch credentials.source {
    case .profile(let name, _), .profileCommand(let name, _), .profileStore(let name, _, _):
      newToken = "To get a new token, run `modal setup` (or `modal token new --profile \(name)`)."
    case .federation:
      newToken = "Run again to exchange the OIDC token anew; a refused exchange says which check of the trust policy failed."
    case .environment, .arguments, .named:
      // The profile selected in the file has nothing to do with these credentials.
      newToken = "To get a new token, run `modal token new`, or create one in the dashboard, and use it in place of this one."
    }
    return """
      The server at \(serverURL) rejected token \(credentials.shownTokenID) (secret \(credentials.maskedSecret)) from \(credentials.source). Check:
      \(numbered)
      \(newToken)
      """
  }
}
