import Foundation
import ModalJOSE

/// RFC 8693 token exchange for workload identity federation: a CI job's OIDC token
/// (`subject_token`) is checked against the trust policies of its issuer, and one that passes
/// every check is exchanged for a short-lived ordinary token of the policy's workspace.
///
/// Every exchange, accepted or refused, is in the audit log (`federation.exchange`). Errors are
/// RFC 6749 codes: `invalid_request` for a malformed request or token, `invalid_grant` for a
/// token that fails a check, `invalid_scope`, `invalid_target` for an `audience` naming a
/// workspace that does not trust the token, and `temporarily_unavailable` when the server cannot
/// decide (its store, the issuer's keys) or the workspace is at its token quota; descriptions name
/// the failed check and never repeat the token.
package struct TokenExchangeGrant: OAuthGrant {
  package let grantType = "urn:ietf:params:oauth:grant-type:token-exchange"
  /// The subject token types accepted (an OIDC ID token is a JWT).
  static let subjectTokenTypes = ["urn:ietf:params:oauth:token-type:id_token", "urn:ietf:params:oauth:token-type:jwt"]
  /// The type of what is issued: a Modal token pair, used as an access token.
  static let issuedTokenType = "urn:ietf:params:oauth:token-type:access_token"
  /// Clock skew allowed on `exp`, `nbf` and `iat`.
  static let leeway = 60

  let dependencies: Dependencies
  let keys: FederationKeyCache

  /// A grant over the server's store, with `keys` (by default a cache fetching over HTTPS as the
  /// settings say).
  package init(dependencies: Dependencies, keys: FederationKeyCache? = nil) {
    self.dependencies = dependencies
    let settings = dependencies.settings
    self.keys =
      keys
      ?? FederationKeyCache(
        fetcher: HTTPSDocumentFetcher(caFile: settings.federationCAFile), clock: dependencies.clock,
        refreshSeconds: Int64(settings.federationKeyRefreshSeconds))
  }

  package func reply(to request: OAuthTokenRequest) async -> OAuthTokenReply {
    var facts = ExchangeFacts(peer: request.peer)
    do throws(OAuthError) {
      let reply = try await exchange(request, facts: &facts)
      return .success(reply)
    } catch {
      await record(refusal: error, facts: facts)
      return .failure(error)
    }
  }

  /// What is known about a request as its checks pass, for the audit entry of a refusal.
  struct ExchangeFacts {
    let peer: String
    var issuer = ""
    var subject = ""
    var policy: FederationPolicy?
  }

  private func exchange(_ request: OAuthTokenRequest, facts: inout ExchangeFacts) async throws(OAuthError)
    -> [String: OAuthJSONMember]
  {
    let token = try Self.subjectToken(request)
    let claims = token.claims
    facts.issuer = claims.issuer ?? ""
    facts.subject = claims.subject ?? ""
    guard let issuer = claims.issuer, !issuer.isEmpty else {
      throw OAuthError(.invalidGrant, "The subject_token has no iss claim.")
    }
    let policy = try await matchingPolicy(token, issuer: issuer, audienceParameter: try request.parameter("audience"))
    facts.policy = policy
    try await verifySignature(token, policy: policy)
    try Self.checkTimes(claims, now: Int(dependencies.clock.now().wholeSeconds))
    if let failed = policy.terms.conditions.first(where: { !$0.matches(claims.text($0.key)) }) {
      throw OAuthError(
        .invalidGrant, "The claim '\(failed.key)' of the subject_token does not meet the policy's condition.")
    }
    let scopes = try Self.scopes(requested: try request.parameter("scope"), policy: policy)
    try await checkQuota(policy)
    try await claimOnce(claims, issuer: issuer)
    return try await mint(policy: policy, scopes: scopes, issuer: issuer, subject: claims.subject ?? "", peer: request.peer)
  }

  /// The JWT of the request, after the checks that need no key.
  static func subjectToken(_ request: OAuthTokenRequest) throws(OAuthError) -> JSONWebToken {
    let text = try request.requiredParameter("subject_token")
    let type = try request.requiredParameter("subject_token_type")
    guard subjectTokenTypes.contains(type) else {
      throw OAuthError(
        .invalidRequest, "subject_token_type must be urn:ietf:params:oauth:token-type:id_token or …:jwt.")
    }
    if let requested = try request.parameter("requested_token_type"), requested != issuedTokenType {
      throw OAuthError(.invalidRequest, "requested_token_type may only be \(issuedTokenType).")
    }
    do {
      return try JSONWebToken(compact: text)
    } catch {
      throw FederationRefusal.joseError(error)
    }
  }

  /// The one policy of `issuer` whose audience the token carries (narrowed by the request's
  /// `audience` parameter, a workspace name, when several workspaces trust the same token).
  private func matchingPolicy(_ token: JSONWebToken, issuer: String, audienceParameter: String?) async throws(OAuthError)
    -> FederationPolicy
  {
    let policies: [FederationPolicy]
    do {
      policies = try await dependencies.store.federationPolicies(issuer: issuer)
    } catch {
      throw FederationRefusal.unavailable
    }
    guard !policies.isEmpty else {
      throw OAuthError(.invalidGrant, "No federation policy trusts the issuer (iss) of the subject_token.")
    }
    var matching = policies.filter { token.claims.audiences.contains($0.terms.audience) }
    guard !matching.isEmpty else {
      throw OAuthError(
        .invalidGrant, "The audience (aud) of the subject_token is not the one the issuer's federation policies expect.")
    }
    if let audienceParameter {
      var named: [FederationPolicy] = []
      for policy in matching where try await workspaceName(policy) == audienceParameter { named.append(policy) }
      matching = named
      guard !matching.isEmpty else {
        throw OAuthError(.invalidTarget, "No federation policy of workspace '\(audienceParameter)' trusts this token.")
      }
    }
    // Claim conditions pick among several policies of one issuer and audience.
    let fitting = matching.filter { policy in policy.terms.conditions.allSatisfy { $0.matches(token.claims.text($0.key)) } }
    if fitting.count > 1 {
      // Without `audience` the server never guesses: two workspaces may trust one CI identity.
      throw OAuthError(
        .invalidRequest,
        audienceParameter.map {
          "Several federation policies of workspace '\($0)' accept this token; narrow their claim conditions so that one does."
        } ?? "Several federation policies accept this token; send audience=WORKSPACE to choose the workspace.")
    }
    // With none fitting, the first policy's conditions report which claim failed.
    return fitting.first ?? matching[0]
  }

  private func workspaceName(_ policy: FederationPolicy) async throws(OAuthError) -> String {
    do {
      return try await dependencies.store.workspace(id: policy.workspaceID)?.name ?? ""
    } catch {
      throw FederationRefusal.unavailable
    }
  }

  private func verifySignature(_ token: JSONWebToken, policy: FederationPolicy) async throws(OAuthError) {
    let candidates = try await keys.candidates(for: token, policy: policy)
    guard candidates.contains(where: { token.isSigned(by: $0) }) else {
      throw OAuthError(.invalidGrant, "The signature of the subject_token does not verify with the issuer's keys.")
    }
  }

  static func checkTimes(_ claims: JWTClaims, now: Int) throws(OAuthError) {
    do {
      try JWTTimeCheck().check(claims, now: now, leeway: leeway)
    } catch {
      throw FederationRefusal.joseError(error)
    }
  }

  /// The scopes of the minted token: the policy's, or the subset the request's `scope` names.
  static func scopes(requested: String?, policy: FederationPolicy) throws(OAuthError) -> ScopeSet {
    guard let requested else { return policy.terms.scopes }
    let names = requested.split(whereSeparator: { $0 == " " || $0 == "," }).joined(separator: ",")
    let asked: ScopeSet
    do {
      asked = try ScopeSet(parsing: names)
    } catch {
      throw OAuthError(.invalidScope, error.message)
    }
    guard asked.scopes.allSatisfy({ policy.terms.scopes.grants($0) }) else {
      throw OAuthError(.invalidScope, "The scope asked for is more than the policy grants (\(policy.terms.scopes)).")
    }
    return asked
  }

  /// Refuses a mint that would take the workspace over its token quota (`--quota-tokens`), as
  /// every other way of creating a token does. Checked before the `jti` is claimed, so the same
  /// subject token can be sent again once tokens expire or are revoked. Expired tokens do not
  /// count (`Store.workspaceUsage`), so a job renewing its token never fills the quota by itself.
  ///
  /// `temporarily_unavailable`: RFC 6749 has no quota code, and the condition passes without the
  /// client changing its request, as minted tokens expire; clients that retry with backoff recover.
  private func checkQuota(_ policy: FederationPolicy) async throws(OAuthError) {
    do throws(ServerError) {
      try await dependencies.checkTokenQuota(policy.workspaceID)
    } catch where error.code == .resourceExhausted {
      let lifetime = MethodTable.approximateDuration(seconds: policy.terms.lifetimeSeconds)
      throw OAuthError(
        .temporarilyUnavailable,
        error.message + " Tokens minted by federation count until they expire (policy '\(policy.terms.name)': \(lifetime)).")
    } catch {
      throw FederationRefusal.unavailable
    }
  }

  /// Refuses a `jti` exchanged before (by any replica), until the token expires.
  private func claimOnce(_ claims: JWTClaims, issuer: String) async throws(OAuthError) {
    guard let jti = claims.id, let expiresAt = claims.expiresAt else { return }
    guard jti.utf8.count <= 256 else { throw OAuthError(.invalidRequest, "The jti of the subject_token is too long.") }
    let fresh: Bool
    do {
      fresh = try await dependencies.store.claimTokenID(
        issuer: issuer, jti: jti, expiresAt: UnixTime(microseconds: Int64(expiresAt + Self.leeway) * 1_000_000),
        now: dependencies.clock.now())
    } catch {
      throw FederationRefusal.unavailable
    }
    guard fresh else {
      throw OAuthError(.invalidGrant, "The subject_token was exchanged before (its jti was seen); get a new one.")
    }
  }

  private func mint(policy: FederationPolicy, scopes: ScopeSet, issuer: String, subject: String, peer: String)
    async throws(OAuthError) -> [String: OAuthJSONMember]
  {
    let tokens = TokenService(dependencies: dependencies)
    do {
      let issued = try tokens.makeToken(
        workspaceID: policy.workspaceID, owner: .serviceUser(id: policy.serviceUserID), createdByUserID: nil,
        name: "oidc:" + policy.terms.name, scopes: scopes, lifetimeSeconds: policy.terms.lifetimeSeconds)
      let origin = FederatedOrigin(policyID: policy.id, policyName: policy.terms.name, issuer: issuer, subject: subject)
      let workspace = try await dependencies.store.workspace(id: policy.workspaceID)
      let entry = FederationRefusal.entry(
        outcome: .success, facts: .init(peer: peer, issuer: issuer, subject: subject, policy: policy),
        tokenID: issued.id, reason: nil, at: issued.record.createdAt)
      try await dependencies.store.insertFederatedToken(issued.record, origin: origin, audit: entry)
      dependencies.metrics.tokensMinted.add()
      var reply: [String: OAuthJSONMember] = [
        "access_token": .string("\(issued.id.rawValue):\(issued.secret)"),
        "issued_token_type": .string(Self.issuedTokenType), "token_type": .string("N_A"),
        "expires_in": .integer(Int(policy.terms.lifetimeSeconds)), "token_id": .string(issued.id.rawValue),
        "token_secret": .string(issued.secret), "workspace": .string(workspace?.name ?? ""),
        "scope": .string(scopes.scopes.map(\.rawValue).sorted().joined(separator: " ")),
      ]
      if let environment = policy.terms.environmentName { reply["environment"] = .string(environment) }
      return reply
    } catch {
      throw FederationRefusal.unavailable
    }
  }

  /// Writes the refusal's audit entry (coalesced per address, as failed sign-ins are).
  private func record(refusal error: OAuthError, facts: ExchangeFacts) async {
    let entry = FederationRefusal.entry(
      outcome: .error, facts: facts, tokenID: nil, reason: error.code.rawValue + ": " + error.description,
      at: dependencies.clock.now())
    // A failing store already answered temporarily_unavailable; the refusal stands without its entry.
    try? await dependencies.store.recordAudit(entry, coalescingAfter: max(1, dependencies.settings.auditFailuresPerMinute))
  }
}
