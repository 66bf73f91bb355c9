import Foundation

/// Trust policies of workload identity federation: added, listed and removed by owners and
/// managers (dashboard) or the operator (`modal-server federation`), with the same checks.
package struct FederationService: Sendable {
  let dependencies: Dependencies

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// The longest policy name (its service user is `oidc-` + the name, under 64 characters).
  package static let maximumNameLength = 50
  /// The most claim conditions a policy has.
  package static let maximumConditions = 20
  /// The largest JWKS document a policy stores.
  package static let maximumDocumentBytes = 64 * 1024

  /// Checks `terms` and stores them as a policy of `workspace`, with a service user created by
  /// `creator` (role manager, limited by the policy's scopes; with an environment, a contributor
  /// there and nowhere else), recording
  /// `federation.policy_added` by `actor`.
  package func add(_ terms: FederationPolicy.Terms, in workspace: Workspace, creator: User, by actor: AuditActor) async throws(ServerError)
    -> FederationPolicy
  {
    try Self.check(terms)
    var environment: Environment?
    if let name = terms.environmentName {
      environment = try await dependencies.store.environment(workspaceID: workspace.id, name: name)
      guard environment != nil else {
        throw ServerError(.notFound, "Workspace '\(workspace.name)' has no environment '\(name)'.")
      }
    }
    let now = dependencies.clock.now()
    // Pinned to an environment, its tokens act as a scoped member-level service user that is a
    // contributor there and has no access elsewhere (`EnvironmentAccess`); managers would be
    // contributors everywhere.
    let serviceUser = ServiceUser(
      id: .random(), workspaceID: workspace.id, name: "oidc-" + terms.name, role: environment == nil ? .manager : .member,
      createdByUserID: creator.id, createdAt: now, scoped: environment != nil)
    let policy = FederationPolicy(
      id: .random(), workspaceID: workspace.id, terms: terms, serviceUserID: serviceUser.id, createdByName: actor.name,
      createdAt: now)
    let entry = AuditEntry(
      .federationPolicyAdded, by: actor, target: .federationPolicy(policy), workspaceID: workspace.id, at: now,
      detail: ["issuer": terms.issuer, "audience": terms.audience, "scopes": terms.scopes.description])
    do {
      try await dependencies.store.insertFederationPolicy(
        policy, serviceUser: serviceUser, contributorIn: environment?.id, audit: entry)
    } catch where error.code == .alreadyExists {
      throw ServerError(
        .alreadyExists,
        "Workspace '\(workspace.name)' already has a federation policy or service user named '\(serviceUser.name)'.")
    }
    return policy
  }

  /// The policies of `workspace`, by name.
  package func list(in workspace: Workspace) async throws(ServerError) -> [FederationPolicy] {
    try await dependencies.store.federationPolicies(workspaceID: workspace.id)
  }

  /// Removes the policy named `name` (or with that id) from `workspace`, revoking the tokens it
  /// minted, recording `federation.policy_removed` by `actor`; `notFound` if there is none.
  package func remove(_ name: String, in workspace: Workspace, by actor: AuditActor) async throws(ServerError) {
    let policies = try await list(in: workspace)
    guard let policy = policies.first(where: { $0.terms.name == name || $0.id.rawValue == name }) else {
      throw ServerError(.notFound, "Workspace '\(workspace.name)' has no federation policy '\(name)'.")
    }
    let now = dependencies.clock.now()
    let entry = AuditEntry(
      .federationPolicyRemoved, by: actor, target: .federationPolicy(policy), workspaceID: workspace.id, at: now)
    guard try await dependencies.store.deleteFederationPolicy(id: policy.id, at: now, audit: entry) else {
      throw ServerError(.notFound, "Workspace '\(workspace.name)' has no federation policy '\(name)'.")
    }
  }

  /// The checks every new policy passes.
  static func check(_ draft: FederationPolicy.Terms) throws(ServerError) {
    guard draft.name.count <= maximumNameLength else {
      throw ServerError(.invalidArgument, "A federation policy name has at most \(maximumNameLength) characters.")
    }
    try NameRules.checkObjectName(draft.name, type: "federation policy")
    try checkHTTPS(draft.issuer, what: "The issuer")
    guard !draft.audience.isEmpty, draft.audience.count <= 500 else {
      throw ServerError(.invalidArgument, "The audience must have 1 to 500 characters.")
    }
    guard draft.conditions.count <= maximumConditions else {
      throw ServerError(.invalidArgument, "A policy has at most \(maximumConditions) claim conditions.")
    }
    guard (FederationPolicy.minimumLifetime...FederationPolicy.maximumLifetime).contains(draft.lifetimeSeconds) else {
      throw ServerError(.invalidArgument, "The token lifetime (--ttl) must be from 1m to 12h.")
    }
    switch draft.keys {
    case .document(let text):
      guard text.utf8.count <= maximumDocumentBytes else {
        throw ServerError(.invalidArgument, "The JWKS file is larger than \(maximumDocumentBytes / 1024) KiB.")
      }
      try JWKSDocument.check(text)
    case .url(let url): try checkHTTPS(url, what: "The JWKS URL")
    case .discovery: break
    }
  }

  /// Refuses anything but an `https://` URL with a host and no credentials, query or fragment.
  static func checkHTTPS(_ text: String, what: String) throws(ServerError) {
    guard text.count <= 500, let url = URLComponents(string: text), url.scheme?.lowercased() == "https",
      let host = url.host, !host.isEmpty, url.user == nil, url.password == nil, url.query == nil, url.fragment == nil
    else {
      throw ServerError(
        .invalidArgument, "\(what) must be an https:// URL with a host, no user, query or fragment: '\(text.prefix(100))'.")
    }
  }
}
