import RPC

/// Workload identity federation (`.federation`): exchanges the CI platform's OIDC token for a
/// short-lived Modal token pair at the server's token endpoint, keeps it, and exchanges again
/// at 80% of its lifetime. Concurrent callers share one exchange.
///
/// Asked for only through the environment (``FederationSettings``); without the OIDC variables it
/// has no credentials, so a chain goes on.
struct FederationCredentialProvider: CredentialProvider {
  /// The exchanged pair and the running exchange, shared by every copy of this provider.
  let session = FederationSession()

  func credentials(context: CredentialContext) async throws(ModalError) -> Credentials {
    guard let settings = try FederationSettings(host: context.host) else {
      throw .noCredentials("federation: MODAL_OIDC_TOKEN_FILE, MODAL_OIDC_TOKEN and MODAL_OIDC_PROVIDER are not set")
    }
    return try await session.credentials { () throws(ModalError) in
      try await FederationSession.exchange(settings: settings, context: context)
    }
  }
}

/// A federated pair and when to renew it; an exchange in flight is joined, not repeated.
final class FederationSession: Sendable {
  private struct State {
    var current: Credentials?
    var running: Task<Credentials, any Error>?
  }

  /// The share of a token's lifetime after which it is exchanged again.
  static let renewalShare = 0.8
  private let state = Locked(State())

  /// The kept pair while it is fresh; otherwise the running exchange's, or a new one's.
  func credentials(
    exchange: @escaping @Sendable () async throws(ModalError) -> Credentials
  ) async throws(ModalError) -> Credentials {
    let task: Task<Credentials, any Error>
    switch next(exchange) {
    case .fresh(let credentials): return credentials
    case .wait(let running): task = running
    }
    switch await CancellableWait.result(of: task) {
    case .success(let credentials): return credentials
    case .failure(let error as ModalError): throw error
    case .failure: throw ModalError(.cancelled, "The OIDC token exchange was cancelled.")
    }
  }

  private enum Step {
    case fresh(Credentials)
    case wait(Task<Credentials, any Error>)
  }

  /// The kept pair when fresh, else the running exchange, starting one when none runs.
  private func next(_ exchange: @escaping @Sendable () async throws(ModalError) -> Credentials) -> Step {
    state.withLock { state in
      if let current = state.current, let renewAt = current.renewAt, ContinuousClock.now < renewAt {
        return .fresh(current)
      }
      if let running = state.running { return .wait(running) }
      let task = Task { [weak self] in
        defer { self?.state.withLock { $0.running = nil } }
        let credentials = try await exchange()
        self?.state.withLock { $0.current = credentials }
        return credentials
      }
      state.running = task
      return .wait(task)
    }
  }

  /// One exchange, as credentials renewed at ``renewalShare`` of the pair's lifetime.
  static func exchange(settings: FederationSettings, context: CredentialContext) async throws(ModalError) -> Credentials {
    let started = ContinuousClock.now
    let (token, endpoint) = try await FederatedExchange.run(settings: settings, context: context)
    let renewAfter = Duration.milliseconds(Int(Double(token.expiresIn) * 1000 * renewalShare))
    return Credentials(
      tokenID: token.tokenID, tokenSecret: token.tokenSecret,
      source: .federation(endpoint: endpoint, subject: settings.subject.shortDescription),
      renewAt: started + renewAfter)
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
    let token = try await TokenExchange(endpoint: endpoint, caFile: settings.caFile, scope: settings.scope)
      .exchange(subjectToken: subject)
    return (token, endpoint)
  }
}
