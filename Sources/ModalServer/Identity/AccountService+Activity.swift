/// When each member was last active: what `WorkspaceMembersList` reports as `last_active_at`.
extension AccountService {
  /// A member with the time any of their tokens in the workspace was last used.
  package struct ActiveMember: Sendable, Hashable {
    /// The member and their user record.
    package var member: Member
    /// The newest `last_used_at` of the member's tokens there; `nil` when none was ever used.
    package var lastActiveAt: UnixTime?
  }

  /// The members of `workspace` with their last activity, in two store queries (members, tokens).
  ///
  /// Activity is token use, stored or still buffered by this replica's usage recorder: the server
  /// records no other per-member event, and the recorder batches `last_used_at`, so this costs no
  /// write on the hot path.
  package func activeMembers(of workspace: Workspace) async throws(ServerError) -> [ActiveMember] {
    let store = dependencies.store
    let members = try await store.members(workspaceID: workspace.id)
    var newest: [UserID: UnixTime] = [:]
    for token in try await store.tokens(workspaceID: workspace.id, owner: nil) {
      // A use still waiting in the usage buffer counts: the caller's own call is one.
      let uses = [token.lastUsedAt, dependencies.usage.pendingTokenUse(token.id)].compactMap { $0 }
      guard case .user(let userID) = token.owner, let used = uses.max() else { continue }
      newest[userID] = max(newest[userID] ?? used, used)
    }
    return members.map { ActiveMember(member: $0, lastActiveAt: newest[$0.user.id]) }
  }
}
