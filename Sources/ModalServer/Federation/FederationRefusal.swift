import ModalJOSE

/// The pieces of an exchange's answer shared by its checks: JOSE errors as RFC 6749 errors, and
/// the `federation.exchange` audit entry.
enum FederationRefusal {
  /// The answer when the store fails: nothing the client did, try again.
  static let unavailable = OAuthError(
    .temporarilyUnavailable, "The server could not complete the exchange; try again in a moment.")

  /// `error` (about the subject token) as an RFC 6749 error: a token that is not a well-formed
  /// JWT is `invalid_request`; one that is, but fails a check, `invalid_grant`.
  static func joseError(_ error: JOSEError) -> OAuthError {
    let text = "subject_token: " + error.description
    switch error {
    case .tooLong, .malformed, .invalidJSON, .invalidClaim: return OAuthError(.invalidRequest, text)
    case .cryptoUnavailable: return OAuthError(.temporarilyUnavailable, text)
    default: return OAuthError(.invalidGrant, text)
    }
  }

  /// The audit entry of one exchange: `success` naming the minted token, or `error` with the reason.
  static func entry(
    outcome: AuditOutcome, facts: TokenExchangeGrant.ExchangeFacts, tokenID: TokenID?, reason: String?, at time: UnixTime
  ) -> AuditEntry {
    var detail = ["issuer": facts.issuer, "subject": facts.subject]
    if let policy = facts.policy { detail["policy"] = policy.terms.name }
    if let reason { detail["reason"] = reason }
    let actor = AuditActor(
      kind: .anonymous, id: "", name: facts.subject, tokenID: nil, address: FlowStartLimiter.address(of: facts.peer),
      source: "oauth")
    let target =
      tokenID.map { AuditTarget.token($0, name: "oidc:" + (facts.policy?.terms.name ?? "")) }
      ?? facts.policy.map(AuditTarget.federationPolicy) ?? AuditTarget(kind: "federation_policy", id: "")
    return AuditEntry(
      .federationExchange, by: actor, target: target, workspaceID: facts.policy?.workspaceID, at: time,
      outcome: outcome, detail: detail)
  }
}
