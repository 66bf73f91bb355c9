import ModalAPI
import RPC

/// Finds the token endpoint from the gRPC server URL alone: every `ClientHello` reply, refused
/// (the usual answer without a token) or answered, carries the trailer `x-modal-token-endpoint`
/// with the dashboard's public `/oauth/token` URL (docs/federation.md), since the two listeners
/// are on different ports.
enum TokenEndpointDiscovery {
  /// The trailer that names the endpoint.
  static let trailer = "x-modal-token-endpoint"

  /// The endpoint the server at the context's server URL names.
  static func endpoint(context: CredentialContext) async throws(ModalError) -> String {
    let configured: String?
    if let given = context.serverURL {
      configured = given
    } else {
      configured = try context.config.string(.serverURL)
    }
    let serverURL = configured ?? Setting.defaultServerURL
    let endpoints = try ServerEndpoints(serverURL: serverURL, options: ChannelOptions())
    var metadata = Metadata()
    for (name, value) in ClientIdentity().headers { metadata.add(name, value) }
    let attempt = CallAttempt(
      endpoints: endpoints, path: ModalClientMethods.clientHello.path, payload: Empty().serializedBytes(),
      metadata: metadata, options: CallOptions(retry: .none, timeout: .seconds(10)))
    let trailers: Metadata
    do {
      trailers = try await attempt.send(RetryState(retries: false)).trailingMetadata
    } catch {
      trailers = error.rpcError.trailingMetadata
    }
    guard let endpoint = trailers.first(trailer), endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") else {
      throw ModalError(
        .unavailable, "The server at \(ChannelTarget.redactingUserInfo(serverURL)) did not say where its token endpoint is.",
        remedy: "Set MODAL_OIDC_TOKEN_ENDPOINT to the server's /oauth/token URL, or check MODAL_SERVER_URL (the server needs `serve --public-url`).")
    }
    return endpoint
  }
}
