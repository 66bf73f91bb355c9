import ModalAPI
import ProtoWire
import RPC

/// WorkspaceMembersList, WorkspaceSettings, WorkspaceSetDefaultEnvironment: what `modal workspace
/// members list`, `modal workspace settings list|set` and `modal.Workspace` call.
extension MethodTable {
  mutating func registerWorkspaceMethods() {
    let backend = self.backend

    // Every member may see who else is in the workspace, as on Modal; no scope guards it because
    // the list holds no secret and no token, only names, emails and roles.
    authenticated(ModalClientMethods.workspaceMembersList) { _, caller, _ throws(ServerError) in
      var response = WorkspaceMembersListResponse()
      for active in try await backend.accounts.activeMembers(of: caller.workspace) {
        let (user, membership) = (active.member.user, active.member.membership)
        var item = WorkspaceMembersListItem()
        item.memberID = user.id.rawValue
        item.userID = user.id.rawValue
        item.memberDisplayname = user.email
        item.email = user.email
        item.memberRole = MemberRole(membership.role)
        item.joinedAt = membership.createdAt.seconds
        item.lastActiveAt = active.lastActiveAt?.seconds ?? 0
        response.members.append(item)
      }
      return response
    }

    authenticated(ModalClientMethods.workspaceSettings) { _, caller, _ throws(ServerError) in
      let environment = try await backend.environments.defaultEnvironment(for: caller)
      return WorkspaceSettingsResponse(defaultEnvironmentName: environment.name, imageBuilderVersion: "")
    }

    authenticated(ModalClientMethods.workspaceSetDefaultEnvironment) { request, caller, _ throws(ServerError) in
      try await backend.environments.setDefault(request.environmentName, for: caller)
      return Empty()
    }
  }
}

extension MemberRole {
  /// Modal's name for a workspace role: its `user` is our `member`.
  init(_ role: Role) {
    switch role {
    case .member: self = .user
    case .manager: self = .manager
    case .owner: self = .owner
    }
  }
}
