import ModalAPI
import ProtoWire
import RPC

/// Sends typed calls to Modal's API: credentials and headers, then one ``CallAttempt`` after
/// another as the ``RetryExecutor`` decides, then error mapping.
///
/// One per client; it holds no mutable state of its own besides the chosen server candidate.
final class ModalTransport: Sendable {
  let endpoints: ServerEndpoints
  let serverURL: String
  /// Where calls get their credentials; nil for anonymous calls (the login flow).
  let credentials: CredentialCache?
  let identity: ClientIdentity
  let extraHeaders: [(String, String)]
  let retryPolicy: RetryPolicy
  let profile: String
  let warningHandler: (@Sendable (ServerWarning) -> Void)?

  init(
    serverURL: String, credentials: CredentialCache?, profile: String, identity: ClientIdentity = ClientIdentity(),
    extraHeaders: [(String, String)] = [], retryPolicy: RetryPolicy = RetryPolicy(),
    channelOptions: ChannelOptions? = nil, warningHandler: (@Sendable (ServerWarning) -> Void)? = nil
  ) throws(ModalError) {
    var options = channelOptions ?? ChannelOptions()
    if options.userAgentPrefix == nil { options.userAgentPrefix = identity.userAgent }
    self.endpoints = try ServerEndpoints(serverURL: serverURL, options: options)
    self.serverURL = serverURL
    self.credentials = credentials
    self.identity = identity
    self.extraHeaders = extraHeaders
    self.retryPolicy = retryPolicy
    self.profile = profile
    self.warningHandler = warningHandler
  }

  /// Makes a call with retries as `options` say, returning the decoded response and its trailers.
  func call<Request, Response>(
    _ method: MethodDescriptor<Request, Response>, _ request: Request, options: CallOptions = .standard,
    extraMetadata: Metadata = Metadata()
  ) async throws(ModalError) -> (response: Response, trailers: Metadata) {
    let credentials = try await self.credentials?.credentials()
    var metadata = baseMetadata(credentials)
    metadata.add(contentsOf: extraMetadata)
    let attempt = CallAttempt(
      endpoints: endpoints, path: method.path, payload: request.serializedBytes(), metadata: metadata, options: options,
      assertions: try credentials?.oauth?.minter())
    let executor = RetryExecutor(policy: policy(for: options.retry), options: options, methodName: method.methodName)
    let reply = try await executor.run { state async throws(CallAttempt.Failure) -> UnaryResponse in
      do throws(CallAttempt.Failure) {
        let reply = try await attempt.send(state)
        report(ServerWarning.fromTrailers(reply.trailingMetadata))
        return reply
      } catch {
        report(ServerWarning.fromTrailers(error.rpcError.trailingMetadata))
        if error.rpcError.connectionFailure != nil { await endpoints.reset(after: error.candidate) }
        throw error
      }
    } mapError: { failure in
      await self.mapping(failure.candidate, credentials).error(for: failure.rpcError, method: method.methodName)
    }
    do {
      return (try Response(serializedBytes: reply.message), reply.trailingMetadata)
    } catch {
      throw ModalError(.serverError, "The server sent a response to \(method.methodName) that cannot be decoded: \(error.message).")
    }
  }

  /// The policy a call's retry choice stands for; nil for no retries (and no retry headers).
  private func policy(for retry: CallOptions.Retry) -> RetryPolicy? {
    switch retry {
    case .standard: return retryPolicy
    case .none: return nil
    case .custom(let policy): return policy
    }
  }

  /// Headers every call carries: identity, credentials, the host, and `override_headers`.
  private func baseMetadata(_ credentials: Credentials?) -> Metadata {
    var metadata = Metadata()
    for (name, value) in identity.headers { metadata.add(name, value) }
    if let oauth = credentials?.oauth {
      for (name, value) in oauth.headers { metadata.add(name, value) }
    } else if let credentials {
      metadata.add("x-modal-token-id", credentials.tokenID)
      metadata.add("x-modal-token-secret", credentials.tokenSecret)
    }
    for (name, value) in extraHeaders { metadata.replace(name.lowercased(), value) }
    return metadata
  }

  private func mapping(_ candidate: ServerEndpoints.Candidate, _ credentials: Credentials?) async -> ErrorMapping {
    ErrorMapping(credentials: credentials, serverURL: await endpoints.describe(candidate), profile: profile)
  }

  private func report(_ warnings: [ServerWarning]) {
    guard let warningHandler else { return }
    for warning in warnings { warningHandler(warning) }
  }
}
