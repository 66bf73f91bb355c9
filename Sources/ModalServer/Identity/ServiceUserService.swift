import ModalAPI
import ProtoWire

/// Service users through the API and the dashboard (`modal workspace service-users`): create one
/// with its token (shown once, optionally expiring), list, inspect, delete, and set its role in an
/// environment. Every operation needs the role manager, as Modal's help says ("Must be workspace
/// manager or owner"). Service users made here are scoped: they have no access to an environment
/// until a role is assigned there (`EnvironmentAccess`).
package struct ServiceUserService: Sendable {
  let dependencies: Dependencies
  private var store: any Store { dependencies.store }
  private var tokens: TokenService { TokenService(dependencies: dependencies) }
  private var roles: EnvironmentRoleService { EnvironmentRoleService(dependencies: dependencies) }

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// A service user as listed: its creator, its current token and its role in each environment.
  package struct Listing: Sendable {
    /// The service user.
    package var serviceUser: ServiceUser
    /// The creator's email (empty when that user is gone).
    package var createdBy: String
    /// Its newest unrevoked token, if any.
    package var token: TokenRecord?
    /// Each environment of the workspace (default first) with the service user's role there.
    package var environmentRoles: [(environment: Environment, role: EnvironmentAccess)]
  }

  /// Creates a scoped service user named `name` and its token, which stops working after
  /// `expiresInSeconds` when given; records `service_user.created` and `token.created`.
  package func create(name: String, expiresInSeconds: Int64?, by caller: some WorkspaceCaller) async throws(ServerError)
    -> (serviceUser: ServiceUser, token: IssuedToken)
  {
    try caller.require(.tokens, role: .manager, for: ModalClientMethods.serviceUserCreate.methodName)
    try NameRules.checkObjectName(name, type: "Service User")
    let workspace = caller.workspace
    try dependencies.settings.quotas.checkNewServiceUser(
      workspace: workspace.name, usage: try await dependencies.workspaceUsage(workspace.id))
    try await dependencies.checkTokenQuota(workspace.id)
    let now = dependencies.clock.now()
    let serviceUser = ServiceUser(
      id: .random(), workspaceID: workspace.id, name: name, role: .member, createdByUserID: try await creator(of: caller),
      createdAt: now, scoped: true)
    let issued = try tokens.makeToken(
      workspaceID: workspace.id, owner: .serviceUser(id: serviceUser.id), createdByUserID: serviceUser.createdByUserID,
      name: name, scopes: .all, lifetimeSeconds: expiresInSeconds)
    let created = AuditEntry(
      .serviceUserCreated, by: caller.auditActor, target: .serviceUser(serviceUser), workspaceID: workspace.id, at: now,
      detail: expiresInSeconds.map { ["expires_in_seconds": String($0)] } ?? [:])
    do {
      try await store.insertServiceUser(
        serviceUser, token: issued.record, audit: [created, TokenService.createdEntry(issued.record, by: caller.auditActor)])
    } catch where error.code == .alreadyExists {
      throw ServerError(
        .alreadyExists, "Workspace '\(workspace.name)' already has a Service User named '\(name)'. Choose another name.")
    }
    dependencies.metrics.tokensMinted.add()
    return (serviceUser, issued)
  }

  /// The user a new service user is recorded as created by: the calling member, or the creator
  /// of a calling service user.
  private func creator(of caller: some WorkspaceCaller) async throws(ServerError) -> UserID {
    switch caller.owner {
    case .user(let id): return id
    case .serviceUser(let id):
      guard let serviceUser = try await store.serviceUser(id: id) else {
        throw ServerError(.unauthenticated, "The calling service user \(id) no longer exists.")
      }
      return serviceUser.createdByUserID
    }
  }

  /// The service users of the caller's workspace, oldest first.
  package func list(for caller: some WorkspaceCaller) async throws(ServerError) -> [Listing] {
    try caller.require(.tokensRead, role: .manager, for: ModalClientMethods.serviceUserList.methodName)
    return try await listings(in: caller.workspace)
  }

  /// The service user named `name` in the caller's workspace, or `notFound`.
  package func info(name: String, for caller: some WorkspaceCaller) async throws(ServerError) -> Listing {
    try caller.require(.tokensRead, role: .manager, for: ModalClientMethods.serviceUserInfo.methodName)
    return try await find(name, in: caller.workspace)
  }

  /// Deletes the service user named `name` (or with that id) and revokes its tokens; records
  /// `service_user.deleted`.
  package func delete(_ name: String, by caller: some WorkspaceCaller) async throws(ServerError) {
    try caller.require(.tokens, role: .manager, for: ModalClientMethods.serviceUserDelete.methodName)
    let serviceUser = try await find(name, in: caller.workspace).serviceUser
    let now = dependencies.clock.now()
    let entry = AuditEntry(
      .serviceUserDeleted, by: caller.auditActor, target: .serviceUser(serviceUser), workspaceID: caller.workspace.id,
      at: now)
    guard try await store.deleteServiceUser(id: serviceUser.id, at: now, audit: entry) else {
      throw notFound(name, caller.workspace)
    }
  }

  /// Sets the role of the service user named `name` in `environment` (`nil` removes the assignment).
  package func setRole(_ role: EnvironmentAccess?, of name: String, in environment: Environment, by caller: some WorkspaceCaller)
    async throws(ServerError)
  {
    try caller.require(.tokens, role: .manager, for: ModalClientMethods.environmentRoleSet.methodName)
    let serviceUser = try await find(name, in: caller.workspace).serviceUser
    try await roles.set(role, for: .serviceUser(id: serviceUser.id), in: environment, by: caller)
  }

  /// The listing of the service user named `name` (or with that id) in `workspace`.
  package func find(_ name: String, in workspace: Workspace) async throws(ServerError) -> Listing {
    guard let found = try await listings(in: workspace).first(where: { $0.serviceUser.name == name || $0.serviceUser.id.rawValue == name })
    else { throw notFound(name, workspace) }
    return found
  }

  private func notFound(_ name: String, _ workspace: Workspace) -> ServerError {
    ServerError(
      .notFound,
      "Service User '\(name)' not found in workspace '\(workspace.name)'. List them with `modal workspace service-users list`.")
  }

  /// Every service user of `workspace` with its token and roles, in a fixed number of store queries
  /// plus one per service user (its tokens).
  private func listings(in workspace: Workspace) async throws(ServerError) -> [Listing] {
    let environments = try await store.environments(workspaceID: workspace.id)
    let assigned = try await store.environmentRoles(workspaceID: workspace.id)
    var listings: [Listing] = []
    for listed in try await store.serviceUsersWithCreators(workspaceID: workspace.id) {
      let serviceUser = listed.serviceUser
      let owner = TokenOwner.serviceUser(id: serviceUser.id)
      var token = try await store.tokens(workspaceID: workspace.id, owner: owner).first { $0.revokedAt == nil }
      if let found = token { token?.lastUsedAt = tokens.latestUse(of: found) }
      let roles = environments.map { environment in
        let role = assigned.first { $0.environmentID == environment.id && $0.principal == owner }?.role
        return (
          environment,
          EnvironmentRoleService.effective(assigned: role, workspaceRole: serviceUser.role, scoped: serviceUser.scoped)
        )
      }
      listings.append(
        Listing(serviceUser: serviceUser, createdBy: listed.creatorEmail ?? "", token: token, environmentRoles: roles))
    }
    return listings
  }
}
