import Foundation

/// What `POST /oauth/token` answers: a JSON object of tokens (RFC 6749 section 5.1), or an error
/// (section 5.2). Both are sent with `Cache-Control: no-store` and `Pragma: no-cache`.
package enum OAuthTokenReply: Sendable, Equatable {
  /// Success: the members of the JSON object (`access_token`, `token_type`, `expires_in`, …).
  case success([String: OAuthJSONMember])
  /// Failure: an RFC 6749 error code and description.
  case failure(OAuthError)

  /// The HTTP response: 200 with the tokens; 400 for errors, 401 for `invalid_client`.
  package var response: HTTPResponse {
    switch self {
    case .success(let members):
      return Self.json(200, members)
    case .failure(let error):
      var response = Self.json(
        error.code.status, ["error": .string(error.code.rawValue), "error_description": .string(error.description)])
      if error.code == .invalidClient {
        response.add("WWW-Authenticate", "Basic realm=\"modal-server\"")
      }
      return response
    }
  }

  private static func json(_ status: Int, _ members: [String: OAuthJSONMember]) -> HTTPResponse {
    let object = members.mapValues { member -> Any in
      switch member {
      case .string(let text): text
      case .integer(let number): number
      }
    }
    // Strings and integers only: serialisation cannot fail.
    let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    return HTTPResponse(
      status: status,
      headers: [
        ("Content-Type", "application/json;charset=UTF-8"), ("Cache-Control", "no-store"), ("Pragma", "no-cache"),
      ],
      body: Array(body))
  }
}

/// One member value of a token reply.
package enum OAuthJSONMember: Sendable, Equatable {
  /// A JSON string.
  case string(String)
  /// A JSON integer (`expires_in`).
  case integer(Int)
}

/// An RFC 6749 section 5.2 error (with RFC 8693's and the server's own codes): the code a client
/// program acts on and a description, for the person reading it, that says which check failed.
/// A description never contains the token or secret that was sent.
package struct OAuthError: Error, Sendable, Equatable {
  /// The `error` codes.
  package enum Code: String, Sendable {
    /// A parameter is missing, repeated, malformed or not allowed.
    case invalidRequest = "invalid_request"
    /// Client authentication failed (status 401).
    case invalidClient = "invalid_client"
    /// The grant (code, subject token, …) is invalid, expired, revoked or does not match.
    case invalidGrant = "invalid_grant"
    /// The client may not use this grant type.
    case unauthorizedClient = "unauthorized_client"
    /// The `grant_type` is not one this server answers.
    case unsupportedGrantType = "unsupported_grant_type"
    /// The requested scope is invalid or exceeds what may be granted.
    case invalidScope = "invalid_scope"
    /// RFC 8693 section 2.2.2: the target audience or resource is not acceptable.
    case invalidTarget = "invalid_target"
    /// The server failed (its store, say): the request may succeed later (status 503).
    case temporarilyUnavailable = "temporarily_unavailable"

    /// The HTTP status that carries it.
    package var status: Int {
      switch self {
      case .invalidClient: 401
      case .temporarilyUnavailable: 503
      default: 400
      }
    }
  }

  /// The code.
  package let code: Code
  /// What failed and what to do, safe to show and log.
  package let description: String

  /// Creates an error.
  package init(_ code: Code, _ description: String) {
    self.code = code
    self.description = description
  }
}
