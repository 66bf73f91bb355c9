import Foundation

/// `POST /oauth/token` on the dashboard's listener (RFC 6749 section 3.2): decodes the
/// `application/x-www-form-urlencoded` body and hands it to the grant registered for its
/// `grant_type`. No cookies, no session, no CSRF token: a token request carries its own proof.
package struct OAuthTokenEndpoint: Sendable {
  /// The path it answers.
  package static let path = "/oauth/token"
  /// The largest body accepted: room for a 16 KiB JWT, percent-encoded, and the other fields.
  package static let maximumBodyBytes = 40 * 1024
  /// The longest single field: a JWT at its 16 KiB limit plus one byte, so the grant (not the
  /// form decoder) is the one that says the token is too long.
  static let maximumFieldBytes = 16 * 1024 + 1

  /// The grants, by `grant_type`.
  let grants: [String: any OAuthGrant]

  /// An endpoint answering `grants` (the last one registered for a type wins).
  package init(grants: [any OAuthGrant]) {
    self.grants = Dictionary(grants.map { ($0.grantType, $0) }, uniquingKeysWith: { $1 })
  }

  /// The answer for `/oauth/token`, or `nil` for any other path.
  package func answer(_ request: HTTPRequest) async -> HTTPResponse? {
    guard request.path == Self.path else { return nil }
    guard request.method == "POST" else {
      var response = OAuthTokenReply.failure(
        OAuthError(.invalidRequest, "The token endpoint answers POST only.")
      ).response
      response.status = 405
      response.add("Allow", "POST")
      return response
    }
    let reply: OAuthTokenReply
    do throws(OAuthError) {
      let tokenRequest = try Self.decode(request)
      let type = try tokenRequest.requiredParameter("grant_type")
      guard let grant = grants[type] else {
        let known = grants.keys.sorted().joined(separator: ", ")
        throw OAuthError(
          .unsupportedGrantType,
          "This server does not answer this grant_type" + (known.isEmpty ? "." : "; it answers \(known)."))
      }
      reply = await grant.reply(to: tokenRequest)
    } catch {
      reply = .failure(error)
    }
    return reply.response
  }

  /// The form of a POST, checked for its content type and size.
  static func decode(_ request: HTTPRequest) throws(OAuthError) -> OAuthTokenRequest {
    let type = request.header("content-type")?.split(separator: ";").first?
      .trimmingCharacters(in: .whitespaces).lowercased()
    guard type == "application/x-www-form-urlencoded" else {
      throw OAuthError(.invalidRequest, "Send the parameters as application/x-www-form-urlencoded.")
    }
    guard request.body.count <= maximumBodyBytes else {
      throw OAuthError(.invalidRequest, "The request body is too large (at most \(maximumBodyBytes) bytes).")
    }
    guard request.query.isEmpty else {
      // Parameters in the URL end up in logs and proxies: RFC 6749 wants them in the body.
      throw OAuthError(.invalidRequest, "Send the parameters in the request body, not in the URL.")
    }
    do {
      let form = try FormData(urlEncoded: request.body, maximumFieldBytes: maximumFieldBytes)
      return OAuthTokenRequest(form: form, peer: request.peer, authorization: request.header("authorization"))
    } catch {
      throw OAuthError(.invalidRequest, error.message)
    }
  }
}
