public import ModalAPI
public import ProtoWire
import RPC

extension ModalClient {
  /// Calls any method of Modal's API with this client's credentials, retries and error mapping:
  /// the escape hatch for what the typed resources (``tokens``, ``secrets``, ``environments``) do
  /// not cover yet. It takes and returns raw protobuf messages of `ModalAPI`, which may change
  /// with Modal's API; prefer a resource where there is one.
  ///
  /// - Parameters:
  ///   - method: The method, e.g. `ModalClientMethods.tokenInfoGet`.
  ///   - request: The request message.
  ///   - options: Retry policy and deadline; the default retries as the Python client does.
  /// - Throws: ``ModalError`` whose message is the server's, with what to do about it.
  public func call<Request, Response>(
    _ method: MethodDescriptor<Request, Response>, _ request: Request, options: CallOptions = .standard
  ) async throws(ModalError) -> Response {
    try await transport.call(method, request, options: options).response
  }

  /// Verifies the credentials with `ClientHello`; returns the server's warnings, which are also
  /// passed to the warning handler.
  @discardableResult
  public func hello() async throws(ModalError) -> [ServerWarning] {
    let (response, trailers) = try await transport.call(ModalClientMethods.clientHello, Empty())
    var warnings = response.serverWarnings.map { ServerWarning(kind: $0.type, message: $0.message) }
    if !response.warning.isEmpty { warnings.append(ServerWarning(message: response.warning)) }
    if let handler = transport.warningHandler {
      for warning in warnings { handler(warning) }
    }
    return warnings + ServerWarning.fromTrailers(trailers)
  }

  /// Information about the token in use as the raw `TokenInfoGet` response; ``Tokens/info(options:)``
  /// (`client.tokens.info()`) gives the same as a Swift value.
  public func tokenInfo() async throws(ModalError) -> TokenInfoGetResponse {
    try await call(ModalClientMethods.tokenInfoGet, TokenInfoGetRequest())
  }

  /// The workspace the credentials belong to, as `WorkspaceNameLookup` names it.
  ///
  /// - Parameter timeout: The deadline; the CLI uses 3 s with no retry, as the Python client does.
  public func workspaceName(timeout: Duration? = nil) async throws(ModalError) -> String {
    let options = timeout == nil ? CallOptions.standard : CallOptions(retry: .none, timeout: timeout)
    let response = try await call(ModalClientMethods.workspaceNameLookup, Empty(), options: options)
    return response.username.isEmpty ? response.workspaceName : response.username
  }

  /// A short-lived auth token (a JWT) for input-plane calls, fetched lazily and refreshed at 50 to
  /// 60 percent of its life; a failed refresh falls back to the cached token unless the server
  /// denied authentication.
  public func authToken() async throws(ModalError) -> String {
    try await authTokens.token { () async throws(ModalError) -> String in
      let hasCached = await self.authTokens.hasValidToken
      var policy = self.transport.retryPolicy
      policy.maxRetries = hasCached ? 0 : 3
      let response = try await self.call(
        ModalClientMethods.authTokenGet, AuthTokenGetRequest(),
        options: CallOptions(retry: .custom(policy), timeout: .seconds(5), totalTimeout: .seconds(15)))
      return response.token
    }
  }
}
