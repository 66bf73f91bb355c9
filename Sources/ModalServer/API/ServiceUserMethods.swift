import ModalAPI
import ProtoWire
import RPC

/// ServiceUserCreate, ServiceUserList, ServiceUserInfo, ServiceUserDelete, EnvironmentRoleSet,
/// EnvironmentGetRoles: what `modal workspace service-users`, `modal environment roles` and
/// `modal.Workspace`/`modal.Environment` call.
extension MethodTable {
  mutating func registerServiceUserMethods() {
    let backend = self.backend
    let service = backend.serviceUsers

    authenticated(ModalClientMethods.serviceUserCreate) { request, caller, _ throws(ServerError) in
      let lifetime = request.expiresInSeconds == 0 ? nil : Int64(request.expiresInSeconds)
      let (serviceUser, issued) = try await service.create(name: request.name, expiresInSeconds: lifetime, by: caller)
      return ServiceUserCreateResponse(
        tokenID: issued.id.rawValue, tokenSecret: issued.secret, serviceUserID: serviceUser.id.rawValue,
        expiresAt: issued.record.expiresAt.map { ProtoWire.Timestamp(seconds: $0.wholeSeconds) })
    }

    authenticated(ModalClientMethods.serviceUserList) { _, caller, _ throws(ServerError) in
      ServiceUserListResponse(serviceUsers: try await service.list(for: caller).map(wireServiceUser))
    }

    authenticated(ModalClientMethods.serviceUserInfo) { request, caller, _ throws(ServerError) in
      ServiceUserInfoResponse(serviceUser: wireServiceUser(try await service.info(name: request.serviceUserName, for: caller)))
    }

    authenticated(ModalClientMethods.serviceUserDelete) { request, caller, _ throws(ServerError) in
      let name = request.serviceUserName.isEmpty ? request.serviceUserID : request.serviceUserName
      try await service.delete(name, by: caller)
      return Empty()
    }

    authenticated(ModalClientMethods.environmentRoleSet) { request, caller, _ throws(ServerError) in
      let role = try EnvironmentAccess(wire: request)
      let environment =
        request.environmentID.isEmpty
        ? try await backend.environments.resolve(request.environmentName, in: caller.workspace)
        : try await backend.environmentRoles.environment(EnvironmentID(rawValue: request.environmentID), in: caller.workspace)
      if !request.userID.isEmpty {
        try await backend.environmentRoles.set(role, for: .user(id: UserID(rawValue: request.userID)), in: environment, by: caller)
      } else if !request.serviceUserName.isEmpty || !request.serviceUserID.isEmpty {
        let name = request.serviceUserName.isEmpty ? request.serviceUserID : request.serviceUserName
        try await service.setRole(role, of: name, in: environment, by: caller)
      } else {
        throw ServerError(.invalidArgument, "EnvironmentRoleSet needs user_id, service_user_id or service_user_name.")
      }
      return Empty()
    }

    authenticated(ModalClientMethods.environmentGetRoles) { request, caller, _ throws(ServerError) in
      let (environment, principals) = try await backend.environmentRoles.roles(
        in: EnvironmentID(rawValue: request.environmentID), for: caller)
      return EnvironmentGetRolesResponse(
        name: environment.name, createdAt: environment.createdAt.seconds, principalRoles: principals.map(wirePrincipal))
    }
  }
}

extension EnvironmentAccess {
  /// The role a request asks for: `role_str` when set, else the enum; `nil` (remove the
  /// assignment) when neither is.
  init?(wire request: EnvironmentRoleSetRequest) throws(ServerError) {
    if !request.roleStr.isEmpty {
      self = try EnvironmentAccess(parsing: request.roleStr)
      return
    }
    switch request.role {
    case .unspecified: return nil
    case .viewer: self = .viewer
    case .contributor: self = .contributor
    case .noAccess: self = .noAccess
    default:
      throw ServerError(.invalidArgument, "This server knows the environment roles viewer, contributor and no-access only.")
    }
  }

  /// Modal's enum value.
  var wire: ModalAPI.EnvironmentRole {
    switch self {
    case .noAccess: .noAccess
    case .viewer: .viewer
    case .contributor: .contributor
    }
  }
}

/// The wire form of a listed service user (never its token's secret).
private func wireServiceUser(_ listing: ServiceUserService.Listing) -> ModalAPI.ServiceUser {
  let serviceUser = listing.serviceUser
  return ModalAPI.ServiceUser(
    name: serviceUser.name, tokenID: listing.token?.id.rawValue ?? "", createdBy: listing.createdBy,
    createdAt: serviceUser.createdAt.seconds, lastUsedAt: listing.token?.lastUsedAt?.seconds ?? 0,
    serviceUserID: serviceUser.id.rawValue, scoped: serviceUser.scoped,
    environmentRoles: listing.environmentRoles.map { environment, role in
      ModalAPI.ServiceUser.EnvironmentRoleEntry(
        environmentID: environment.id.rawValue, role: role.wire, environmentName: environment.name, roleStr: role.rawValue)
    },
    expiresAt: listing.token?.expiresAt?.seconds)
}

/// The wire form of one principal's role in an environment.
private func wirePrincipal(_ principal: EnvironmentRoleService.PrincipalRole) -> EnvironmentGetRolesResponse.Principal {
  var wire = EnvironmentGetRolesResponse.Principal()
  switch principal.principal {
  case .user(let id):
    wire.userID = id.rawValue
    wire.email = principal.name
    wire.userName = principal.name
  case .serviceUser(let id):
    wire.serviceUserID = id.rawValue
    wire.serviceUserName = principal.name
  }
  wire.role = principal.role.wire
  wire.roleStr = principal.role.rawValue
  wire.memberRole = MemberRole(principal.workspaceRole)
  wire.inheritsDefaultMemberRole = !principal.assigned
  wire.hasRoleAssignment = principal.assigned
  return wire
}
