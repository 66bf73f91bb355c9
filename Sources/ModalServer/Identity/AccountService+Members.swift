/// Members and service users of a workspace: what the dashboard's members page and the
/// `modal-server member` and `service-user` commands do.
extension AccountService {
  /// A member and their user record.
  package typealias Member = MemberWithUser

  /// The members of `workspace` with their users, oldest first, in one store query.
  package func members(of workspace: Workspace) async throws(ServerError) -> [Member] {
    try await dependencies.store.members(workspaceID: workspace.id)
  }

  /// Changes `user`'s role in `workspace`; refuses (`failedPrecondition`) to leave it without an owner.
  package func changeRole(of user: User, in workspace: Workspace, to role: Role, by actor: AuditActor)
    async throws(ServerError)
  {
    let store = dependencies.store
    let entry = AuditEntry(
      .memberRoleChanged, by: actor, target: .user(user), workspaceID: workspace.id, at: dependencies.clock.now(),
      detail: ["role": role.rawValue])
    let outcome = try await store.setRole(workspaceID: workspace.id, userID: user.id, role: role, audit: entry)
    try check(outcome, user: user, workspace: workspace)
  }

  /// Removes `user` from `workspace` and revokes their tokens there; refuses to remove the last owner.
  package func removeMember(_ user: User, from workspace: Workspace, by actor: AuditActor) async throws(ServerError) {
    let store = dependencies.store
    let now = dependencies.clock.now()
    let entry = AuditEntry(.memberRemoved, by: actor, target: .user(user), workspaceID: workspace.id, at: now)
    let outcome = try await store.deleteMembership(workspaceID: workspace.id, userID: user.id, at: now, audit: entry)
    try check(outcome, user: user, workspace: workspace)
  }

  /// The service users of `workspace`, oldest first.
  package func serviceUsers(of workspace: Workspace) async throws(ServerError) -> [ServiceUser] {
    let store = dependencies.store
    return try await store.serviceUsers(workspaceID: workspace.id)
  }

  /// The service users of `workspace` with their creators' emails, oldest first, in one store query.
  package func serviceUsersWithCreators(of workspace: Workspace) async throws(ServerError) -> [ServiceUserWithCreator] {
    try await dependencies.store.serviceUsersWithCreators(workspaceID: workspace.id)
  }

  /// Deletes the service user named `name` (or with that id) in `workspace` and revokes its tokens.
  package func deleteServiceUser(_ nameOrID: String, in workspace: Workspace) async throws(ServerError) {
    let store = dependencies.store
    let all = try await serviceUsers(of: workspace)
    guard let serviceUser = all.first(where: { $0.name == nameOrID || $0.id.rawValue == nameOrID }) else {
      throw ServerError(.notFound, "Workspace '\(workspace.name)' has no service user '\(nameOrID)'.")
    }
    let now = dependencies.clock.now()
    _ = try await store.deleteServiceUser(id: serviceUser.id, at: now)
  }

  private func check(_ outcome: MembershipChange, user: User, workspace: Workspace) throws(ServerError) {
    switch outcome {
    case .done: return
    case .notMember: throw ServerError(.notFound, "\(user.email) is not a member of workspace '\(workspace.name)'.")
    case .lastOwner:
      throw ServerError(
        .failedPrecondition,
        "\(user.email) is the last owner of workspace '\(workspace.name)'; a workspace needs at least one owner, "
          + "so make someone else an owner first.")
    }
  }
}
