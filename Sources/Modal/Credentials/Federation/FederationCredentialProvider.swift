import RPC

/// Workload identity federation (`.federation`): exchanges the CI platform's OIDC token for a
/// short-lived Modal token pair at the server's token endpoint, keeps it, and exchanges again
/// at 80% of its lifetime. Concurrent callers share one exchange; a failed renewal leaves the
/// kept pair in use until it expires (``FederationSession``).
///
/// Asked for only through the environment (``FederationSettings``); without the OIDC variables it
/// has no credentials, so a chain goes on.
struct FederationCredentialProvider: CredentialProvider {
  /// The exchanged pair and the running exchange, shared by every copy of this provider.
  let session: FederationSession

  /// A provider with its own session (tests give one with their clock and retry spacing).
  init(session: FederationSession = FederationSession()) { self.session = session }

  func credentials(context: CredentialContext) async throws(ModalError) -> Credentials {
    guard let settings = try FederationSettings(host: context.host) else {
      throw .noCredentials("federation: MODAL_OIDC_TOKEN_FILE, MODAL_OIDC_TOKEN and MODAL_OIDC_PROVIDER are not set")
    }
    return try await session.credentials { () throws(ModalError) in
      let (token, endpoint) = try await FederatedExchange.run(settings: settings, context: context)
      let credentials = Credentials(
        tokenID: token.tokenID, tokenSecret: token.tokenSecret,
        source: .federation(endpoint: endpoint, subject: settings.subject.shortDescription))
      return FederationSession.Minted(credentials: credentials, lifetime: .seconds(token.expiresIn))
    }
  }
}

/// One federation exchange from start to end, for the provider and `modal token exchange`.
package enum FederatedExchange {
  /// Reads the subject token, finds the endpoint (the explicit one, else the server's trailer) and
  /// exchanges; returns the minted token and the endpoint used.
  package static func run(
    settings: FederationSettings, context: CredentialContext
  ) async throws(ModalError) -> (token: FederatedToken, endpoint: String) {
    let subject = try await SubjectTokenReader(host: context.host, caFile: settings.caFile).read(settings.subject)
    let endpoint: String
    if let explicit = settings.tokenEndpoint {
      endpoint = explicit
    } else {
      endpoint = try await TokenEndpointDiscovery.endpoint(context: context)
    }
    let token = try await TokenExchange(
      endpoint: endpoint, caFile: settings.caFile, scope: settings.scope, workspace: settings.workspace)
      .exchange(subjectToken: subject)
    return (token, endpoint)
  }
}
