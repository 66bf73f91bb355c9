import Foundation

/// `GET /proxy-auth?environment=NAME` on the dashboard's listener, for a reverse proxy's
/// sub-request (nginx `auth_request`, Traefik `forwardAuth`, Caddy `forward_auth`): 204 when the
/// request's proxy token may pass to the environment, 401 when it has none or a wrong one, 403
/// when the token is valid but not allowed there. No cookies, no session, nothing cached.
///
/// The token comes as `Modal-Key` and `Modal-Secret`, or as `Authorization: Bearer wk-….ws-…`,
/// Modal's two forms.
package enum ProxyAuthEndpoint {
  /// The path it answers.
  package static let path = "/proxy-auth"

  /// The answer for `/proxy-auth`, or `nil` for any other request.
  package static func answer(_ request: HTTPRequest, service: ProxyTokenService) async -> HTTPResponse? {
    guard request.path == path, request.method == "GET" || request.method == "HEAD" else { return nil }
    let (key, secret) = credentials(of: request)
    let verdict: ProxyVerdict
    do {
      verdict = try await service.verify(
        key: key, secret: secret, environmentName: request.query["environment"] ?? "", peer: request.peer)
    } catch {
      // The store failed: refuse (a proxy must fail closed) and say it is not the token's fault.
      return .text(503, "The server could not check the proxy token; try again.\n")
    }
    switch verdict {
    case .allowed(let id):
      var response = HTTPResponse(status: 204)
      // For `auth_request_set $proxy_token $upstream_http_modal_proxy_token;` and access logs.
      response.add("Modal-Proxy-Token", id.rawValue)
      return response
    case .unauthenticated(let message):
      var response = HTTPResponse.text(401, message + "\n")
      response.add("WWW-Authenticate", "Bearer realm=\"modal-server\"")
      return response
    case .forbidden(let message):
      return .text(403, message + "\n")
    }
  }

  /// The key and secret of `Modal-Key`/`Modal-Secret`, or else of `Authorization: Bearer KEY.SECRET`.
  static func credentials(of request: HTTPRequest) -> (key: String?, secret: String?) {
    if request.header("modal-key") != nil || request.header("modal-secret") != nil {
      return (request.header("modal-key"), request.header("modal-secret"))
    }
    guard let authorization = request.header("authorization"), authorization.lowercased().hasPrefix("bearer ") else {
      return (nil, nil)
    }
    let pair = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
    guard let dot = pair.firstIndex(of: ".") else { return (pair, nil) }
    return (String(pair[..<dot]), String(pair[pair.index(after: dot)...]))
  }
}
