import ModalAPI
import ProtoWire

/// Roles per environment (`EnvironmentAccess`): what each member and service user may do in one
/// environment, set by managers and owners, and checked by every call that touches an
/// environment's objects (`require`).
package struct EnvironmentRoleService: Sendable {
  let dependencies: Dependencies
  private var store: any Store { dependencies.store }

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// A principal's role in one environment, and whether it is assigned or the default.
  package struct PrincipalRole: Sendable, Hashable {
    /// The member or service user.
    package var principal: TokenOwner
    /// The member's email or the service user's name.
    package var name: String
    /// Their workspace role.
    package var workspaceRole: Role
    /// Their role in the environment.
    package var role: EnvironmentAccess
    /// Whether `role` is assigned (not the default).
    package var assigned: Bool
  }

  /// The role `principal` (with workspace role `role`) has in `environment`: contributor for
  /// owners and managers, else the assigned role, else the default.
  static func effective(assigned: EnvironmentAccess?, workspaceRole: Role, scoped: Bool) -> EnvironmentAccess {
    if workspaceRole >= .manager { return .contributor }
    return assigned ?? EnvironmentAccess.default(for: workspaceRole, scoped: scoped)
  }

  /// The caller's role in `environment`.
  package func role(of caller: some WorkspaceCaller, in environment: Environment) async throws(ServerError)
    -> EnvironmentAccess
  {
    if caller.role >= .manager { return .contributor }
    let assigned = try await store.environmentRole(environmentID: environment.id, principal: caller.owner)
    return Self.effective(assigned: assigned, workspaceRole: caller.role, scoped: caller.isScoped)
  }

  /// Refuses (`permissionDenied`, naming the role needed and the caller's) unless the caller has at
  /// least `needed` in `environment`; `method` names the operation.
  package func require(_ needed: EnvironmentAccess, in environment: Environment, for caller: some WorkspaceCaller, method: String)
    async throws(ServerError)
  {
    let role = try await role(of: caller, in: environment)
    guard role < needed else { return }
    throw ServerError(
      .permissionDenied,
      "\(method) needs the environment role \(needed.rawValue) or higher in environment '\(environment.name)'; "
        + "\(caller.displayName) has \(role.rawValue) there. Ask a manager or owner of workspace "
        + "'\(caller.workspace.name)' to run `modal environment roles update \(environment.name) <name> --role \(needed.rawValue)`.")
  }

  /// Every member and service user of the caller's workspace with their role in `environmentID`,
  /// members first (oldest first), then service users.
  package func roles(in environmentID: EnvironmentID, for caller: some WorkspaceCaller) async throws(ServerError)
    -> (environment: Environment, principals: [PrincipalRole])
  {
    try caller.require(.environmentsRead, role: .member, for: ModalClientMethods.environmentGetRoles.methodName)
    let environment = try await self.environment(environmentID, in: caller.workspace)
    let assigned = try await store.environmentRoles(workspaceID: caller.workspace.id)
      .filter { $0.environmentID == environment.id }
    let byPrincipal = Dictionary(assigned.map { ($0.principal, $0.role) }, uniquingKeysWith: { first, _ in first })
    var principals: [PrincipalRole] = []
    for member in try await store.members(workspaceID: caller.workspace.id) {
      let owner = TokenOwner.user(id: member.user.id)
      principals.append(
        principal(owner, name: member.user.email, role: member.membership.role, scoped: false, assigned: byPrincipal[owner]))
    }
    for serviceUser in try await store.serviceUsers(workspaceID: caller.workspace.id) {
      let owner = TokenOwner.serviceUser(id: serviceUser.id)
      principals.append(
        principal(owner, name: serviceUser.name, role: serviceUser.role, scoped: serviceUser.scoped, assigned: byPrincipal[owner]))
    }
    return (environment, principals)
  }

  private func principal(_ owner: TokenOwner, name: String, role: Role, scoped: Bool, assigned: EnvironmentAccess?)
    -> PrincipalRole
  {
    PrincipalRole(
      principal: owner, name: name, workspaceRole: role,
      role: Self.effective(assigned: assigned, workspaceRole: role, scoped: scoped), assigned: assigned != nil && role < .manager)
  }

  /// Assigns `role` (or removes the assignment: `nil`) to a member or service user in an
  /// environment. Needs the role manager; refused for managers and owners, who are contributors
  /// everywhere. Records `environment_role.changed` when the role changes.
  package func set(
    _ role: EnvironmentAccess?, for principal: TokenOwner, in environment: Environment, by caller: some WorkspaceCaller
  ) async throws(ServerError) {
    try caller.require(.environmentsWrite, role: .manager, for: ModalClientMethods.environmentRoleSet.methodName)
    let (name, workspaceRole) = try await describe(principal, in: caller.workspace)
    if workspaceRole >= .manager {
      throw ServerError(
        .failedPrecondition,
        "\(name) is a \(workspaceRole.rawValue) of workspace '\(caller.workspace.name)' and so a contributor in every "
          + "environment; environment roles apply to members and service users. Change their workspace role first.")
    }
    let now = dependencies.clock.now()
    let target =
      switch principal {
      case .user(let id): AuditTarget(kind: "user", id: id.rawValue, name: name)
      case .serviceUser(let id): AuditTarget(kind: "service_user", id: id.rawValue, name: name)
      }
    let entry = AuditEntry(
      .environmentRoleChanged, by: caller.auditActor, target: target, workspaceID: caller.workspace.id, at: now,
      detail: ["environment": environment.name, "role": role?.rawValue ?? ""])
    _ = try await store.setEnvironmentRole(
      environmentID: environment.id, principal: principal, role: role, at: now, audit: entry)
  }

  /// The name and workspace role of a member or service user of `workspace`, or `notFound`.
  private func describe(_ principal: TokenOwner, in workspace: Workspace) async throws(ServerError) -> (String, Role) {
    switch principal {
    case .user(let id):
      guard let user = try await store.user(id: id),
        let membership = try await store.membership(workspaceID: workspace.id, userID: id)
      else { throw ServerError(.notFound, "No member \(id) in workspace '\(workspace.name)'.") }
      return (user.email, membership.role)
    case .serviceUser(let id):
      guard let serviceUser = try await store.serviceUser(id: id), serviceUser.workspaceID == workspace.id else {
        throw ServerError(.notFound, "No service user \(id) in workspace '\(workspace.name)'.")
      }
      return (serviceUser.name, serviceUser.role)
    }
  }

  /// The environment with `id` in `workspace`, or `notFound`.
  package func environment(_ id: EnvironmentID, in workspace: Workspace) async throws(ServerError) -> Environment {
    guard let environment = try await store.environment(id: id), environment.workspaceID == workspace.id else {
      throw ServerError(.notFound, "No environment \(id) in workspace '\(workspace.name)'.")
    }
    return environment
  }
}

extension Caller {
  /// Whether the caller is a service user that acts only where a role is assigned to it.
  package var isScoped: Bool {
    if case .serviceUser(let serviceUser, _) = identity { return serviceUser.scoped }
    return false
  }
}

extension SessionCaller {
  /// A dashboard user is never scoped.
  package var isScoped: Bool { false }
}
