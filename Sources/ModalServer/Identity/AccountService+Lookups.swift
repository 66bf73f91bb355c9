/// Look-ups the dashboard makes, each one store query: a user's workspaces, the caller a signed-in
/// user becomes in one workspace, users by id or sign-in email.
extension AccountService {
  /// The workspaces `user` belongs to with their role in each, oldest membership first.
  package func workspaces(of user: User) async throws(ServerError) -> [WorkspaceWithRole] {
    try await dependencies.store.workspaces(userID: user.id)
  }

  /// `user` acting in the workspace named `name`; `nil` when there is none or they are not a member
  /// (the dashboard answers both alike, so a name reveals nothing).
  package func sessionCaller(user: User, workspaceName name: String) async throws(ServerError) -> SessionCaller? {
    guard let workspace = try await dependencies.store.workspace(name: name) else { return nil }
    return try await sessionCaller(user: user, workspace: workspace)
  }

  /// `user` acting in the workspace with `id`; `nil` when there is none or they are not a member.
  package func sessionCaller(user: User, workspaceID id: WorkspaceID) async throws(ServerError) -> SessionCaller? {
    guard let workspace = try await dependencies.store.workspace(id: id) else { return nil }
    return try await sessionCaller(user: user, workspace: workspace)
  }

  private func sessionCaller(user: User, workspace: Workspace) async throws(ServerError) -> SessionCaller? {
    guard let role = try await role(of: user, in: workspace) else { return nil }
    return SessionCaller(user: user, workspace: workspace, role: role)
  }

  /// The user with `id`, or `nil`.
  package func user(id: UserID) async throws(ServerError) -> User? {
    try await dependencies.store.user(id: id)
  }

  /// The user signing in with `email` (compared lower-cased), or `nil` when there is none; a
  /// malformed address matches nobody. Only a failing store throws.
  package func signingInUser(email: String) async throws(ServerError) -> User? {
    try await dependencies.store.user(email: email)
  }
}
