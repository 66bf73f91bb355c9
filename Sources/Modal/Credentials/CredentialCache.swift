import RPC

/// A client's credentials, resolved by its provider on first use and kept: concurrent first uses
/// share one resolution. A failed resolution is not kept, so a later call asks again (a password
/// manager's prompt may have been dismissed). Short-lived credentials (``Credentials/renewAt``)
/// are asked for again once their renewal time has passed, so a long-running client never sends
/// an expired pair.
final class CredentialCache: Sendable {
  private enum State {
    case idle
    case resolving(Task<Credentials, any Error>)
    case resolved(Credentials)
  }

  let provider: AnyCredentialProvider
  let context: CredentialContext
  private let state = Locked(State.idle)

  init(provider: AnyCredentialProvider, context: CredentialContext) {
    self.provider = provider
    self.context = context
  }

  /// The credentials, resolving them if no call has yet; the waiting caller's cancellation ends
  /// its wait (the shared resolution goes on for the others).
  func credentials() async throws(ModalError) -> Credentials {
    let task: Task<Credentials, any Error>
    switch startOrJoin() {
    case .resolved(let credentials): return credentials
    case .waiting(let running): task = running
    }
    switch await CancellableWait.result(of: task) {
    case .success(let credentials): return credentials
    case .failure(let error as ModalError): throw error
    case .failure: throw ModalError(.cancelled, "Resolving the credentials was cancelled.")
    }
  }

  private enum Joined {
    case resolved(Credentials)
    case waiting(Task<Credentials, any Error>)
  }

  /// The resolved credentials, or the running resolution, starting one when there is neither.
  private func startOrJoin() -> Joined {
    state.withLock { state in
      switch state {
      case .resolved(let credentials) where credentials.renewAt.map { ContinuousClock.now < $0 } ?? true:
        return .resolved(credentials)
      case .resolving(let task): return .waiting(task)
      case .idle, .resolved:
        let task = resolution()
        state = .resolving(task)
        return .waiting(task)
      }
    }
  }

  private func resolution() -> Task<Credentials, any Error> {
    let provider = provider
    let context = context
    return Task { [weak self] in
      do throws(ModalError) {
        let credentials = try await provider.credentials(context: context)
        try CredentialResolver.checkSendable(credentials)
        self?.state.withLock { $0 = .resolved(credentials) }
        return credentials
      } catch {
        self?.state.withLock { $0 = .idle }
        throw error
      }
    }
  }
}
