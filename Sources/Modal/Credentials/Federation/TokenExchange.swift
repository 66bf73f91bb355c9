import HTTPFetch
import ModalJOSE

/// A token pair minted by a federation exchange (RFC 8693), with what the server said of it.
package struct FederatedToken: Sendable, Equatable {
  /// The minted token's id (`ak-…`).
  package let tokenID: String
  /// The minted token's secret (`as-…`).
  package let tokenSecret: String
  /// Its lifetime in seconds, from the exchange.
  package let expiresIn: Int
  /// When it expires: the start of the exchange plus ``expiresIn`` (whole seconds, never later
  /// than the server's expiry).
  package let expiresAt: UnixTime
  /// The workspace it belongs to, when the server says.
  package let workspace: String?
  /// The Modal environment its policy names, when it names one.
  package let environment: String?
  /// Its scopes, space-separated, when the server says.
  package let scope: String?
}

/// One RFC 8693 token exchange: `POST` the subject token to the server's token endpoint.
struct TokenExchange: Sendable {
  /// The endpoint, e.g. `https://modal.example.com/oauth/token`.
  let endpoint: String
  /// CA certificates for the endpoint; nil for the system's.
  let caFile: String?
  /// Narrows the minted token; nil for the policy's scopes.
  let scope: String?
  /// The workspace to mint in (`audience`); nil for the one whose policy accepts the token.
  let workspace: String?

  /// Exchanges `subjectToken` for a Modal token pair.
  func exchange(subjectToken: String) async throws(ModalError) -> FederatedToken {
    var form = [
      ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
      ("subject_token_type", "urn:ietf:params:oauth:token-type:id_token"),
      ("subject_token", subjectToken),
    ]
    if let scope { form.append(("scope", scope)) }
    if let workspace { form.append(("audience", workspace)) }
    let request = HTTPRequest(
      url: endpoint, method: "POST",
      headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
      body: FormEncoding.body(form), caFile: caFile, maximumResponseBytes: 64 * 1024, followsRedirects: false)
    let started = UnixTime.now
    let response: HTTPResponse
    do {
      response = try await fetch(request)
    } catch {
      var code = ModalError.Code.connection
      if case .timedOut = error { code = .timeout }
      throw ModalError(
        code,
        "The token exchange could not reach the server: \(error.description)",
        remedy: "Check MODAL_OIDC_TOKEN_ENDPOINT (or the server URL it is found from) and MODAL_OIDC_CA_FILE.")
    }
    let json = (try? JSONValue(parsing: response.body))?.object ?? [:]
    guard response.status == 200 else { throw Self.refusal(status: response.status, json: json) }
    guard let id = json["token_id"]?.string, let secret = json["token_secret"]?.string,
      let expiresIn = json["expires_in"]?.integer, expiresIn > 0
    else {
      throw ModalError(
        .serverError, "The token endpoint answered 200 without token_id, token_secret and expires_in.",
        remedy: "Check that MODAL_OIDC_TOKEN_ENDPOINT is a Modal server's /oauth/token.")
    }
    return FederatedToken(
      tokenID: id, tokenSecret: secret, expiresIn: expiresIn,
      expiresAt: UnixTime(seconds: started.seconds.rounded(.down) + Double(expiresIn)), workspace: json["workspace"]?.string,
      environment: json["environment"]?.string, scope: json["scope"]?.string)
  }

  /// An RFC 6749 section 5.2 error as a ``ModalError`` with its code, description and a remedy.
  static func refusal(status: Int, json: [String: JSONValue]) -> ModalError {
    guard let code = json["error"]?.string else {
      return ModalError(
        .serverError, "The token endpoint answered HTTP \(status) without an OAuth error.",
        remedy: "Check that MODAL_OIDC_TOKEN_ENDPOINT is a Modal server's /oauth/token.")
    }
    let description = json["error_description"]?.string.map { ": " + SecretRedaction.redact($0) } ?? ""
    let message = "The token exchange was refused (\(code))\(description)."
    switch code {
    case "invalid_grant":
      return ModalError(
        .authentication, message,
        remedy: "The OIDC token does not satisfy the workspace's trust policy: compare its iss, aud and claims with `modal-server federation list`, or ask the workspace's owner.")
    case "invalid_scope":
      return ModalError(.permissionDenied, message, remedy: "Ask for no more than the policy's scopes (MODAL_OIDC_SCOPE).")
    case "invalid_target":
      return ModalError(
        .permissionDenied, message, remedy: "Set MODAL_OIDC_WORKSPACE to a workspace whose federation policy accepts this token.")
    case "temporarily_unavailable":
      return ModalError(.unavailable, message, remedy: "Try again later: the description says what the server lacked (the issuer's keys, its store, or room in the workspace's token quota).")
    default:
      return ModalError(
        .invalidArgument, message,
        remedy: "Check the token endpoint and the OIDC token's source (when several workspaces trust the token, set MODAL_OIDC_WORKSPACE).")
    }
  }
}
