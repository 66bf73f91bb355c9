import Foundation
import ModalJOSE

/// Authenticates the client of a token request (RFC 6749 section 2.3): by its secret, in the form
/// (`client_secret_post`) or with HTTP Basic (`client_secret_basic`), or by an RFC 7523
/// `private_key_jwt` assertion with the same checks as on gRPC calls (`OAuthClientAssertions`:
/// RS256, `iss` = `sub` = client id, `aud` `modal-server`, expiry, `jti` replay). A request uses
/// exactly one method. Failures are `invalid_client` (401) with one text for an unknown client
/// and a wrong secret, so neither reveals which part was right.
package struct OAuthClientAuthentication: Sendable {
  let dependencies: Dependencies
  private var hasher: SecretHasher { SecretHasher(keys: dependencies.keys) }

  /// The `client_assertion_type` of RFC 7523 section 2.2.
  package static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

  /// Creates the authenticator.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  private static let failed = OAuthError(
    .invalidClient,
    "Client authentication failed: the client id or client secret is wrong, or the client assertion is not signed "
      + "by the app's key.")

  /// How a request proves its client.
  private enum Proof {
    case secret(clientID: String, secret: String)
    case assertion(clientID: String, assertion: String)
  }

  /// The app that sent `request`, once its proof checks out.
  package func authenticate(_ request: OAuthTokenRequest) async throws(OAuthError) -> OAuthAppRecord {
    let (clientID, proof) = try Self.proof(of: request)
    guard OAuthFormat.isWellFormedClientID(clientID) else { throw Self.failed }
    let found: OAuthAppRecord?
    do {
      found = try await dependencies.store.oauthApp(id: OAuthClientID(rawValue: clientID))
    } catch {
      throw OAuthError(.temporarilyUnavailable, "The server could not look the client up; try again.")
    }
    guard let app = found else {
      if case .secret(_, let secret) = proof { hasher.burn(secret) }
      throw Self.failed
    }
    switch (app.authentication, proof) {
    case (.secret(let hash, let keyID, _), .secret(_, let secret)):
      guard hasher.matches(secret, storedHash: hash, keyID: keyID) else { throw Self.failed }
    case (.publicKey, .assertion(_, let assertion)):
      let now = Int(dependencies.clock.now().wholeSeconds)
      let verified: Bool
      do {
        verified = try dependencies.clientAssertions.verify(assertion, app: app, now: now)
      } catch {
        throw OAuthError(.invalidClient, error.message)
      }
      guard verified else { throw Self.failed }
    case (.secret, .assertion):
      throw OAuthError(.invalidClient, "This app authenticates with its client secret, not with a client assertion.")
    case (.publicKey, .secret):
      throw OAuthError(
        .invalidClient, "This app authenticates with a client assertion (private_key_jwt), not with a client secret.")
    }
    return app
  }

  /// The client id and proof a request carries; `invalid_request` for more than one method,
  /// `invalid_client` for none.
  private static func proof(of request: OAuthTokenRequest) throws(OAuthError) -> (String, Proof) {
    let formID = try request.parameter("client_id")
    let formSecret = try request.parameter("client_secret")
    let assertion = try request.parameter("client_assertion")
    let basic = try basicCredentials(request.authorization)
    let methods = [formSecret != nil, assertion != nil, basic != nil].filter { $0 }.count
    guard methods <= 1 else {
      throw OAuthError(
        .invalidRequest, "Authenticate the client one way only: HTTP Basic, client_secret, or client_assertion.")
    }
    if let basic {
      guard formID == nil || formID == basic.id else { throw failed }
      return (basic.id, .secret(clientID: basic.id, secret: basic.secret))
    }
    if let formSecret, let formID { return (formID, .secret(clientID: formID, secret: formSecret)) }
    if let assertion {
      guard try request.parameter("client_assertion_type") == assertionType else {
        throw OAuthError(.invalidRequest, "client_assertion_type must be \(assertionType).")
      }
      // RFC 7523: the client id may be left out; the assertion's subject names it (and is verified).
      guard let clientID = formID ?? (try? JSONWebToken(compact: assertion))?.claims.subject else { throw failed }
      return (clientID, .assertion(clientID: clientID, assertion: assertion))
    }
    throw OAuthError(
      .invalidClient,
      "The client is not authenticated: send client_id with client_secret (or HTTP Basic), or a client_assertion.")
  }

  /// The id and secret of an `Authorization: Basic` header, each form-urlencoded inside
  /// (RFC 6749 section 2.3.1); `nil` without one, `invalid_client` for a malformed one.
  static func basicCredentials(_ header: String?) throws(OAuthError) -> (id: String, secret: String)? {
    guard let header else { return nil }
    let parts = header.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased() == "basic" else {
      throw OAuthError(.invalidClient, "The Authorization header must use the Basic scheme.")
    }
    guard let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
      let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":"),
      let id = formDecode(text[..<colon]), let secret = formDecode(text[text.index(after: colon)...])
    else {
      throw OAuthError(.invalidClient, "The Basic credentials are not base64 of client_id:client_secret.")
    }
    return (id, secret)
  }

  private static func formDecode(_ text: Substring) -> String? {
    text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
  }
}
