import ModalAPI
import ProtoWire

extension Environments {
  /// The roles of members and service users in the environment named `environment`, as Python's
  /// `Environment.from_name(name).roles` manages them.
  public func roles(_ environment: String) -> EnvironmentRoles { EnvironmentRoles(client: client, environment: environment) }
}

/// The roles of members and service users in one environment (`EnvironmentGetRoles`,
/// `EnvironmentRoleSet`). Listing needs any role; changing needs manager.
public struct EnvironmentRoles: Sendable {
  let client: ModalClient
  /// The environment's name.
  public let environment: String

  /// Each member's and service user's role, in the server's order; with `excludeDefault`, only
  /// the roles assigned directly.
  public func list(excludeDefault: Bool = false, options: CallOptions = .standard) async throws(ModalError)
    -> EnvironmentRoleList
  {
    let principals = try await roles(options: options).response.principalRoles
    var list = EnvironmentRoleList()
    for principal in principals where !excludeDefault || principal.hasRoleAssignment == true {
      if !principal.userID.isEmpty {
        list.users.append(EnvironmentRoleEntry(name: principal.userName, role: principal.roleStr))
      } else if !principal.serviceUserID.isEmpty {
        list.serviceUsers.append(EnvironmentRoleEntry(name: principal.serviceUserName, role: principal.roleStr))
      }
    }
    return list
  }

  /// Sets the role of the named members (`users`) and service users, as Python's `roles.update`.
  ///
  /// - Throws: ``ModalError`` (`invalidArgument`) naming a user or service user not in the workspace.
  public func update(
    users: [String: EnvironmentRoleName] = [:], serviceUsers: [String: EnvironmentRoleName] = [:],
    options: CallOptions = .standard
  ) async throws(ModalError) {
    let (id, response) = try await roles(options: options)
    var requests: [EnvironmentRoleSetRequest] = []
    for (name, role) in users.sorted(by: { $0.key < $1.key }) {
      guard let principal = response.principalRoles.first(where: { !$0.userID.isEmpty && $0.userName == name }) else {
        throw ModalError(.invalidArgument, "User '\(name)' not found in workspace")
      }
      requests.append(EnvironmentRoleSetRequest(environmentID: id, userID: principal.userID, roleStr: role.rawValue))
    }
    for (name, role) in serviceUsers.sorted(by: { $0.key < $1.key }) {
      guard let principal = response.principalRoles.first(where: { !$0.serviceUserID.isEmpty && $0.serviceUserName == name })
      else { throw ModalError(.invalidArgument, "Service user '\(name)' not found in workspace") }
      requests.append(
        EnvironmentRoleSetRequest(environmentID: id, serviceUserID: principal.serviceUserID, roleStr: role.rawValue))
    }
    for request in requests { _ = try await client.call(ModalClientMethods.environmentRoleSet, request, options: options) }
  }

  /// The environment's id and every principal's role there.
  private func roles(options: CallOptions) async throws(ModalError) -> (id: String, response: EnvironmentGetRolesResponse) {
    let environmentID = try await client.environments.get(environment, options: options).id
    let response = try await client.call(
      ModalClientMethods.environmentGetRoles, EnvironmentGetRolesRequest(environmentID: environmentID), options: options)
    return (environmentID, response)
  }
}

/// The roles in one environment: members by name, then service users by name, each in the
/// server's order.
public struct EnvironmentRoleList: Sendable, Hashable {
  /// Members' roles, by email.
  public var users: [EnvironmentRoleEntry] = []
  /// Service users' roles, by name.
  public var serviceUsers: [EnvironmentRoleEntry] = []
}
