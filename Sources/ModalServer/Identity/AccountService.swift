/// Users, workspaces, memberships and service users: what `bootstrap` and (later) the dashboard do.
package struct AccountService: Sendable {
  let dependencies: Dependencies

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// The result of `bootstrap`.
  package struct Bootstrapped: Sendable {
    /// The new user.
    package let user: User
    /// The new workspace (with environment `main`).
    package let workspace: Workspace
    /// The first token, scope `all`.
    package let token: IssuedToken
  }

  /// Creates a user (with a password when given), a personal workspace they own with environment
  /// `main`, and a token with scope `all`, atomically. An existing email or workspace name is an
  /// `alreadyExists` error, never a duplicate.
  package func bootstrap(email: String, workspaceName: String, password: String?) async throws(ServerError) -> Bootstrapped {
    let email = try NameRules.normalizeEmail(email)
    try NameRules.checkWorkspaceName(workspaceName)
    let store = dependencies.store
    if try await store.user(email: email) != nil {
      throw ServerError(.alreadyExists, "A user with the email \(email) already exists; nothing was changed.")
    }
    if try await store.workspace(name: workspaceName) != nil {
      throw ServerError(.alreadyExists, "A workspace named '\(workspaceName)' already exists; nothing was changed.")
    }
    let now = dependencies.clock.now()
    let user = User(id: UserID.random(), email: email, passwordHash: try password.map(hashPassword), createdAt: now)
    let workspace = Workspace(id: WorkspaceID.random(), name: workspaceName, kind: .personal, createdAt: now)
    let environment = Self.defaultEnvironment(workspaceID: workspace.id, at: now)
    let token = try TokenService(dependencies: dependencies).makeToken(
      workspaceID: workspace.id, owner: .user(id: user.id), createdByUserID: user.id, name: "bootstrap",
      scopes: .all, lifetimeSeconds: nil)
    do {
      try await store.createAccount(user: user, workspace: workspace, environment: environment, token: token.record)
    } catch where error.code == .alreadyExists {
      throw ServerError(.alreadyExists, "The email \(email) or the workspace '\(workspaceName)' already exists; nothing was changed.")
    }
    return Bootstrapped(user: user, workspace: workspace, token: token)
  }

  /// The environment every workspace starts with.
  static func defaultEnvironment(workspaceID: WorkspaceID, at time: UnixTime) -> Environment {
    Environment(
      id: EnvironmentID.random(), workspaceID: workspaceID, name: "main", isDefault: true, webhookSuffix: "",
      createdAt: time)
  }

  private func hashPassword(_ password: String) throws(ServerError) -> String {
    try PasswordHasher.validate(password)
    return try PasswordHasher().hash(password)
  }

  /// Creates a user with an already hashed password, their personal workspace (owner) and its
  /// environment `main`, atomically (the dashboard's sign-up; no token).
  package func signUp(email: String, passwordHash: String, workspaceName: String) async throws(ServerError) -> User {
    let email = try NameRules.normalizeEmail(email)
    try NameRules.checkWorkspaceName(workspaceName)
    let now = dependencies.clock.now()
    let user = User(id: UserID.random(), email: email, passwordHash: passwordHash, createdAt: now)
    let workspace = Workspace(id: WorkspaceID.random(), name: workspaceName, kind: .personal, createdAt: now)
    do {
      try await dependencies.store.createAccount(
        user: user, workspace: workspace, environment: Self.defaultEnvironment(workspaceID: workspace.id, at: now), token: nil)
    } catch where error.code == .alreadyExists {
      throw ServerError(.alreadyExists, "The email \(email) or the workspace name '\(workspaceName)' is already taken.")
    }
    return user
  }

  /// Creates a user without a workspace.
  package func createUser(email: String, password: String?) async throws(ServerError) -> User {
    let email = try NameRules.normalizeEmail(email)
    let user = User(
      id: UserID.random(), email: email, passwordHash: try password.map(hashPassword),
      createdAt: dependencies.clock.now())
    do {
      try await dependencies.store.insertUser(user)
    } catch where error.code == .alreadyExists {
      throw ServerError(.alreadyExists, "A user with the email \(email) already exists.")
    }
    return user
  }

  /// Adds `user` to `workspace` with `role`, or changes their role (`member.added` or
  /// `member.role_changed` by `actor`; nothing is recorded when the role stays the same).
  package func setMembership(user: User, workspace: Workspace, role: Role, by actor: AuditActor) async throws(ServerError) {
    let now = dependencies.clock.now()
    let membership = Membership(workspaceID: workspace.id, userID: user.id, role: role, createdAt: now)
    let current = try await dependencies.store.membership(workspaceID: workspace.id, userID: user.id)?.role
    let action: AuditAction? = current == nil ? .memberAdded : current == role ? nil : .memberRoleChanged
    let entry = action.map {
      AuditEntry($0, by: actor, target: .user(user), workspaceID: workspace.id, at: now, detail: ["role": role.rawValue])
    }
    try await dependencies.store.upsertMembership(membership, audit: entry)
  }

  /// Creates a service user in `workspace` (only owners may; `createdBy` must be one).
  package func createServiceUser(name: String, role: Role, workspace: Workspace, createdBy: User) async throws(ServerError)
    -> ServiceUser
  {
    try NameRules.checkObjectName(name, type: "service user")
    let store = dependencies.store
    let membership = try await store.membership(workspaceID: workspace.id, userID: createdBy.id)
    guard membership?.role == .owner else {
      throw ServerError(.permissionDenied, "Only owners of workspace '\(workspace.name)' can create service users.")
    }
    try dependencies.settings.quotas.checkNewServiceUser(
      workspace: workspace.name, usage: try await dependencies.workspaceUsage(workspace.id))
    let serviceUser = ServiceUser(
      id: ServiceUserID.random(), workspaceID: workspace.id, name: name, role: role, createdByUserID: createdBy.id,
      createdAt: dependencies.clock.now())
    do {
      try await store.insertServiceUser(serviceUser)
    } catch where error.code == .alreadyExists {
      throw ServerError(.alreadyExists, "Workspace '\(workspace.name)' already has a service user named '\(name)'.")
    }
    return serviceUser
  }

  /// The user with `email`, or `notFound`.
  package func user(email: String) async throws(ServerError) -> User {
    let normalized = try NameRules.normalizeEmail(email)
    guard let user = try await dependencies.store.user(email: normalized) else {
      throw ServerError(.notFound, "No user with the email \(normalized).")
    }
    return user
  }

  /// The workspace named `name`, or `notFound`.
  package func workspace(name: String) async throws(ServerError) -> Workspace {
    guard let workspace = try await dependencies.store.workspace(name: name) else {
      throw ServerError(.notFound, "No workspace named '\(name)'.")
    }
    return workspace
  }

  /// The first owner of a workspace (who `token create` issues tokens for by default).
  package func firstOwner(of workspace: Workspace) async throws(ServerError) -> User {
    let store = dependencies.store
    let members = try await store.memberships(workspaceID: workspace.id)
    guard let owner = members.first(where: { $0.role == .owner }),
      let user = try await store.user(id: owner.userID)
    else {
      throw ServerError(.failedPrecondition, "Workspace '\(workspace.name)' has no owner.")
    }
    return user
  }

  /// The role of `user` in `workspace`, or `nil` if not a member.
  package func role(of user: User, in workspace: Workspace) async throws(ServerError) -> Role? {
    try await dependencies.store.membership(workspaceID: workspace.id, userID: user.id)?.role
  }
}
