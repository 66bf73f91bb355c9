/// The server's operations, independent of any transport: the gRPC API, the command line and
/// the dashboard all call these.
package struct Backend: Sendable {
  /// Shared store, keys, clock, settings and usage buffer.
  package let dependencies: Dependencies
  /// Users, workspaces, memberships, service users.
  package let accounts: AccountService
  /// API tokens.
  package let tokens: TokenService
  /// Browser login flows.
  package let flows: TokenFlowService
  /// Environments.
  package let environments: EnvironmentService
  /// Secrets.
  package let secrets: SecretService
  /// Dashboard sign-in sessions.
  package let sessions: SessionService
  /// Second factors of dashboard users (TOTP, recovery codes, passkeys).
  package let secondFactors: SecondFactorService
  /// Passkeys (WebAuthn) as a second factor.
  package let passkeys: PasskeyService

  /// The audit log.
  package let audit: AuditService

  /// Proxy tokens (Modal's webhook tokens) and their check for reverse proxies.
  package let proxyTokens: ProxyTokenService

  /// Service users made through the API and the dashboard, with their tokens and roles.
  package let serviceUsers: ServiceUserService
  /// Roles per environment, and their check.
  package let environmentRoles: EnvironmentRoleService
  /// Token secrets reported found in public (GitHub's secret scanning, `modal token scan --report`).
  package let leaks: LeakReportService
  /// Workload identity federation: trust policies (the exchange itself is `TokenExchangeGrant`).
  package let federation: FederationService
  /// OAuth apps and the grants users give them.
  package let oauthApps: OAuthAppService
  /// Authorization codes of the OAuth code flow (the exchange itself is `AuthorizationCodeGrant`).
  package let oauthCodes: OAuthCodeService

  /// Assembles the services.
  package init(dependencies: Dependencies) {
    self.dependencies = dependencies
    accounts = AccountService(dependencies: dependencies)
    tokens = TokenService(dependencies: dependencies)
    flows = TokenFlowService(dependencies: dependencies)
    environments = EnvironmentService(dependencies: dependencies)
    secrets = SecretService(dependencies: dependencies)
    sessions = SessionService(dependencies: dependencies)
    secondFactors = SecondFactorService(dependencies: dependencies)
    passkeys = PasskeyService(dependencies: dependencies)

    audit = AuditService(dependencies: dependencies)

    proxyTokens = ProxyTokenService(dependencies: dependencies)
    serviceUsers = ServiceUserService(dependencies: dependencies)
    environmentRoles = EnvironmentRoleService(dependencies: dependencies)
    leaks = LeakReportService(dependencies: dependencies)
    federation = FederationService(dependencies: dependencies)
    oauthApps = OAuthAppService(dependencies: dependencies)
    oauthCodes = OAuthCodeService(dependencies: dependencies)
  }

  /// Approves the login flow with `code` for the user with `email` in `workspaceName` (or, when
  /// `nil`, the user's only workspace). What `modal-server flow approve` and the dashboard call.
  @discardableResult
  package func approveFlow(code: String, email: String, workspaceName: String?) async throws(ServerError)
    -> TokenFlowRecord
  {
    let user = try await accounts.user(email: email)
    let workspace: Workspace
    if let workspaceName {
      workspace = try await accounts.workspace(name: workspaceName)
    } else {
      workspace = try await onlyWorkspace(of: user)
    }
    return try await flows.approve(code: code, user: user, workspace: workspace, by: .serverOperator)
  }

  private func onlyWorkspace(of user: User) async throws(ServerError) -> Workspace {
    let memberships = try await accounts.workspaces(of: user)
    guard memberships.count == 1 else {
      throw ServerError(
        .invalidArgument,
        memberships.isEmpty
          ? "\(user.email) is not a member of any workspace."
          : "\(user.email) is a member of several workspaces; choose one with --workspace.")
    }
    return memberships[0].workspace
  }

  /// A signed JWT for the caller (`AuthTokenGet`): `sub` = the owner, `workspace_id`, `token_id`,
  /// `iat`, and `exp` (the JWT lifetime, but never past the token's own expiry).
  package func authToken(for caller: Caller) -> String {
    let now = dependencies.clock.now()
    var expires = now.adding(seconds: dependencies.settings.jwtLifetime)
    if let tokenExpiry = caller.token.expiresAt, tokenExpiry < expires { expires = tokenExpiry }
    return JWTSigner(keys: dependencies.keys).sign(claims: [
      "iss": "modal-server", "sub": caller.token.owner.rawID, "workspace_id": caller.workspace.id.rawValue,
      "token_id": caller.token.id.rawValue, "iat": now.wholeSeconds, "exp": expires.wholeSeconds,
    ])
  }

  /// Writes buffered last-used times, removes expired flows and ephemeral secrets, and audit
  /// entries past their retention.
  package func maintenance() async throws(ServerError) {
    try await dependencies.usage.flush(to: dependencies.store)
    // Expired flows are kept an hour so a late TokenFlowWait still hears "expired", not "unknown".
    _ = try await dependencies.store.deleteExpired(before: dependencies.clock.now().adding(seconds: -3600))
    try await audit.prune()
  }
}
