/// `grant_type=authorization_code` (RFC 6749 section 4.1.3, PKCE RFC 7636 section 4.5): the
/// client authenticates (`OAuthClientAuthentication`), presents the code with the authorization
/// request's `redirect_uri` and its `code_verifier`, and receives the grant's refresh token.
///
/// The reply: `refresh_token` is the long-lived credential Modal's clients send on every call as
/// `x-modal-refresh-token` (with the client's secret or a fresh assertion). This server has no
/// short-lived access tokens, so `access_token` carries the same value: RFC 6749 section 5.1
/// requires the member, and a generic OAuth library then stores a usable credential. It is not
/// accepted as a bearer token on its own; `token_type` is `Bearer` for those libraries, and there
/// is no `expires_in` because the grant lasts until it is revoked.
package struct AuthorizationCodeGrant: OAuthGrant {
  package let grantType = "authorization_code"
  let dependencies: Dependencies

  /// The grant over the server's store and keys.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  package func reply(to request: OAuthTokenRequest) async -> OAuthTokenReply {
    do throws(OAuthError) {
      let app = try await OAuthClientAuthentication(dependencies: dependencies).authenticate(request)
      let exchange = OAuthCodeService.Exchange(
        code: try request.requiredParameter("code"), redirectURI: try request.requiredParameter("redirect_uri"),
        verifier: try request.requiredParameter("code_verifier"), peer: request.peer)
      let (grant, refreshToken) = try await OAuthCodeService(dependencies: dependencies).redeem(exchange, by: app)
      return .success([
        "access_token": .string(refreshToken), "refresh_token": .string(refreshToken), "token_type": .string("Bearer"),
        "scope": .string(OAuthAuthorizeRequest.scopeText(grant.scopes)),
      ])
    } catch {
      return .failure(error)
    }
  }
}
