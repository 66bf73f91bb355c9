/// A trust policy of a workspace (workload identity federation): OIDC tokens from `issuer`, for
/// `audience`, whose claims meet `conditions`, are exchanged at `POST /oauth/token` for a short
/// ordinary token of the policy's service user, with `scopes` and `lifetimeSeconds`.
package struct FederationPolicy: Sendable, Hashable {
  /// `fp-` + 22 base62.
  package var id: FederationPolicyID
  /// The workspace whose tokens it mints.
  package var workspaceID: WorkspaceID
  /// What it trusts and what it mints.
  package var terms: Terms
  /// The service user the minted tokens act as (made with the policy, removed with it).
  package var serviceUserID: ServiceUserID
  /// Who created it (copied: the policy outlives them).
  package var createdByName: String
  /// When it was created.
  package var createdAt: UnixTime

  /// Creates a policy record.
  package init(
    id: FederationPolicyID, workspaceID: WorkspaceID, terms: Terms, serviceUserID: ServiceUserID,
    createdByName: String, createdAt: UnixTime
  ) {
    self.id = id
    self.workspaceID = workspaceID
    self.terms = terms
    self.serviceUserID = serviceUserID
    self.createdByName = createdByName
    self.createdAt = createdAt
  }

  /// What a policy trusts and what it mints: all a new policy is asked for (`FederationService.add`
  /// checks it).
  package struct Terms: Sendable, Hashable {
    /// Unique in the workspace (`NameRules` object names, at most 50 characters).
    package var name: String
    /// The `iss` a token must carry, exactly (an `https://` URL).
    package var issuer: String
    /// A value the token's `aud` must contain.
    package var audience: String
    /// Where the issuer's public keys come from.
    package var keys: FederationKeySource
    /// Every condition must hold for the token's claims.
    package var conditions: [ClaimCondition]
    /// What minted tokens may do (never more than this, a request's `scope` only narrows it).
    package var scopes: ScopeSet
    /// The Modal environment the minted token is meant for (told to the client); `nil`: the default.
    package var environmentName: String?
    /// The minted token's lifetime, 60 s to 12 h.
    package var lifetimeSeconds: Int64

    /// Creates terms (default scopes `read`, lifetime 15 minutes).
    package init(
      name: String, issuer: String, audience: String, keys: FederationKeySource, conditions: [ClaimCondition] = [],
      scopes: ScopeSet = ScopeSet([.read]), environmentName: String? = nil,
      lifetimeSeconds: Int64 = FederationPolicy.defaultLifetime
    ) {
      self.name = name
      self.issuer = issuer
      self.audience = audience
      self.keys = keys
      self.conditions = conditions
      self.scopes = scopes
      self.environmentName = environmentName
      self.lifetimeSeconds = lifetimeSeconds
    }
  }

  /// The default lifetime of a minted token: 15 minutes.
  package static let defaultLifetime: Int64 = 15 * 60
  /// The longest lifetime a policy may give: 12 hours.
  package static let maximumLifetime: Int64 = 12 * 3600
  /// The shortest: one minute (a shorter one would expire before a CI step starts).
  package static let minimumLifetime: Int64 = 60
}

/// Where a policy's verification keys come from.
package enum FederationKeySource: Sendable, Hashable {
  /// A JWKS document given when the policy was made (`--jwks-file`), stored with it.
  case document(String)
  /// A JWKS URL (`--jwks-url`), fetched over HTTPS and cached.
  case url(String)
  /// The issuer's OpenID discovery document's `jwks_uri`, fetched over HTTPS and cached.
  case discovery

  /// How the source is shown in lists: `file`, the URL, or `discovery`.
  package var summary: String {
    switch self {
    case .document: "file"
    case .url(let url): url
    case .discovery: "discovery"
    }
  }
}

/// Where a federated token came from: the policy that minted it and the OIDC token's subject.
package struct FederatedOrigin: Sendable, Hashable {
  /// The policy's id (kept after the policy is removed).
  package var policyID: FederationPolicyID
  /// The policy's name when it minted the token.
  package var policyName: String
  /// The OIDC token's `iss`.
  package var issuer: String
  /// The OIDC token's `sub`.
  package var subject: String

  /// Creates an origin.
  package init(policyID: FederationPolicyID, policyName: String, issuer: String, subject: String) {
    self.policyID = policyID
    self.policyName = policyName
    self.issuer = issuer
    self.subject = subject
  }
}
