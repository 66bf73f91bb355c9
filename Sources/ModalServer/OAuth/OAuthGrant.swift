/// One grant type of `POST /oauth/token` (RFC 6749 section 4): the token-exchange grant of
/// workload identity federation (RFC 8693), the authorization-code grant of OAuth apps, and any
/// other. The endpoint decodes the form and dispatches on `grant_type`; a grant checks the rest.
package protocol OAuthGrant: Sendable {
  /// The `grant_type` value it answers, e.g. `urn:ietf:params:oauth:grant-type:token-exchange`.
  var grantType: String { get }

  /// The reply to one request of this grant type: tokens, or an RFC 6749 error. Never throws:
  /// every failure, the store's included, becomes an error reply.
  func reply(to request: OAuthTokenRequest) async -> OAuthTokenReply
}

/// One decoded token request: the form fields and where it came from.
package struct OAuthTokenRequest: Sendable {
  /// The `application/x-www-form-urlencoded` fields, in order.
  package let form: FormData
  /// The client's IP address, as text, for the audit log and rate limits (`""` if unknown).
  package let peer: String
  /// The `Authorization` header, for client authentication by HTTP Basic (RFC 6749 section 2.3.1).
  package let authorization: String?

  /// Creates a request.
  package init(form: FormData, peer: String, authorization: String? = nil) {
    self.form = form
    self.peer = peer
    self.authorization = authorization
  }

  /// The one value of parameter `name`, `nil` when absent or empty; a repeated parameter is an
  /// `invalid_request` (RFC 6749 section 3.2: parameters must not be included more than once).
  package func parameter(_ name: String) throws(OAuthError) -> String? {
    let values = form.all(name)
    guard values.count <= 1 else {
      throw OAuthError(.invalidRequest, "The parameter \(name) is given more than once; send it once.")
    }
    return values.first.flatMap { $0.isEmpty ? nil : $0 }
  }

  /// The value of the required parameter `name`, or an `invalid_request` naming it.
  package func requiredParameter(_ name: String) throws(OAuthError) -> String {
    guard let value = try parameter(name) else {
      throw OAuthError(.invalidRequest, "The parameter \(name) is missing.")
    }
    return value
  }
}
