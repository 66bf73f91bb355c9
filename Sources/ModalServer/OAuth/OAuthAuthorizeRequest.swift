import Foundation

/// A checked `GET /oauth/authorize` request of the authorization code flow (RFC 6749 section
/// 4.1.1 with PKCE, RFC 7636 section 4.3).
///
/// The checks follow RFC 6749 section 4.1.2.1: a request whose client is unknown or whose
/// redirect URI is not exactly one the app registered gets an error page and is never redirected
/// (an open redirector would send users anywhere); any other fault is sent back to the redirect
/// URI with `error`, `error_description` and `state`.
package struct OAuthAuthorizeRequest: Sendable {
  /// The app asking.
  package let app: OAuthAppRecord
  /// Where to send the user back: one of the app's registered URIs.
  package let redirectURI: String
  /// The scopes asked for (the app's own when the request names none, RFC 6749 section 3.3).
  package let scopes: ScopeSet
  /// The client's `state`, returned unchanged.
  package let state: String?
  /// The S256 `code_challenge`.
  package let codeChallenge: String

  /// The parameter names, as the consent form repeats them.
  package static let parameterNames = [
    "response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method",
  ]
  /// The longest `state` accepted (the request must still fit the sign-in round trip's 4096 characters).
  static let maximumStateLength = 512

  /// Why a request cannot go on.
  package enum Failure: Error, Sendable {
    /// Shown to the user as an error page: the client or redirect URI cannot be trusted.
    case page(String)
    /// Sent to the (trusted) redirect URI as an RFC 6749 section 4.1.2.1 error.
    case redirect(OAuthRedirect)
  }

  /// Checks the parameters that `parameter` returns (`nil` when absent), looking the app up in
  /// `store`. A parameter for which `isRepeated` is true was sent more than once, which RFC 6749
  /// section 3.1 forbids: a repeated `client_id` or `redirect_uri` gets the error page (which of
  /// the values would be trusted?), any other the `invalid_request` redirect.
  package static func check(
    _ parameter: (String) -> String?, isRepeated: (String) -> Bool, store: any Store
  ) async throws(Failure) -> OAuthAuthorizeRequest {
    func value(_ name: String) -> String? { parameter(name).flatMap { $0.isEmpty ? nil : $0 } }
    if let name = ["client_id", "redirect_uri"].first(where: isRepeated) {
      throw .page("The authorization request gives \(name) more than once. The app that sent you here is misconfigured.")
    }
    let app = try await trustedApp(value("client_id"), store: store)
    guard let redirectURI = value("redirect_uri") else {
      throw .page("The authorization request has no redirect_uri. The app must send one of the redirect URIs it registered.")
    }
    guard app.redirectURIs.contains(redirectURI) else {
      throw .page(
        "The redirect_uri of this request is not one that app '\(app.name)' registered, so this server will not send "
          + "you there. The app's owner must register it exactly.")
    }
    // A repeated state is not returned: the app could not tell which one is its own.
    let state = isRepeated("state") ? nil : value("state")
    func refuse(_ error: String, _ description: String) -> Failure {
      .redirect(OAuthRedirect(to: redirectURI, error: error, description: description, state: state))
    }
    if let name = parameterNames.first(where: isRepeated) {
      throw refuse("invalid_request", "\(name) is given more than once; send each parameter once.")
    }
    guard (state?.utf8.count ?? 0) <= maximumStateLength else {
      throw refuse("invalid_request", "state is longer than \(maximumStateLength) characters.")
    }
    guard let responseType = value("response_type") else { throw refuse("invalid_request", "response_type is missing.") }
    guard responseType == "code" else {
      throw refuse("unsupported_response_type", "Only response_type=code (the authorization code flow) is supported.")
    }
    guard let challenge = value("code_challenge") else {
      throw refuse("invalid_request", "PKCE is required: send code_challenge and code_challenge_method=S256.")
    }
    guard value("code_challenge_method") == "S256" else {
      throw refuse("invalid_request", "code_challenge_method must be S256 (plain is not accepted).")
    }
    guard OAuthCodeService.isWellFormedChallenge(challenge) else {
      throw refuse("invalid_request", "code_challenge must be the 43-character base64url SHA-256 of the code verifier.")
    }
    let scopes: ScopeSet
    do {
      scopes = try value("scope").map(parseScopes) ?? app.scopes
    } catch {
      throw refuse("invalid_scope", error.message)
    }
    if let outside = scopes.scopes.sorted().first(where: { !app.scopes.grants($0) }) {
      throw refuse("invalid_scope", "The app may not ask for the scope '\(outside.rawValue)' (it allows: \(app.scopes)).")
    }
    return OAuthAuthorizeRequest(
      app: app, redirectURI: redirectURI, scopes: scopes, state: state, codeChallenge: challenge)
  }

  /// The app named by `clientID`, or the error page for a missing or unknown one.
  private static func trustedApp(_ clientID: String?, store: any Store) async throws(Failure) -> OAuthAppRecord {
    guard let clientID else { throw .page("The authorization request has no client_id. The app that sent you here is misconfigured.") }
    let unknown = Failure.page("No OAuth app has the client_id of this request. The app that sent you here is misconfigured.")
    guard OAuthFormat.isWellFormedClientID(clientID) else { throw unknown }
    let found: OAuthAppRecord?
    do {
      found = try await store.oauthApp(id: OAuthClientID(rawValue: clientID))
    } catch {
      throw .page("The server could not look the app up. Try again in a moment.")
    }
    guard let app = found else { throw unknown }
    return app
  }

  /// OAuth's space-separated scope list (RFC 6749 section 3.3); commas are accepted too.
  static func parseScopes(_ text: String) throws(ServerError) -> ScopeSet {
    try ScopeSet(parsing: text.split(whereSeparator: { $0 == " " || $0 == "," }).joined(separator: ","))
  }

  /// `scopes` as OAuth writes them: space-separated, in a stable order.
  package static func scopeText(_ scopes: ScopeSet) -> String {
    scopes.scopes.sorted().map(\.rawValue).joined(separator: " ")
  }
}

/// A redirect back to an app's redirect URI with query parameters (the code and state, or an error).
package struct OAuthRedirect: Sendable, Equatable {
  /// The full `Location`.
  package let location: String

  /// `uri` with `parameters` added to its query (after any it has, RFC 6749 section 3.1.2).
  package init(to uri: String, _ parameters: [(String, String)]) {
    let query = parameters.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
    location = uri + (uri.contains("?") ? "&" : "?") + query
  }

  /// An error redirect: `error`, `error_description` and `state` (when the request had one).
  package init(to uri: String, error: String, description: String, state: String?) {
    var parameters = [("error", error), ("error_description", description)]
    if let state { parameters.append(("state", state)) }
    self.init(to: uri, parameters)
  }

  /// RFC 3986's unreserved characters: all that is left unencoded in a parameter.
  private static let unreserved = CharacterSet(
    charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

  /// Percent-encodes everything but the unreserved characters.
  static func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
}
