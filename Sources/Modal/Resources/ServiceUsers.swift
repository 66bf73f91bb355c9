import ModalAPI
import ProtoWire

extension Workspace {
  /// The service users of the workspace: create (with a token shown once), list, inspect, delete,
  /// and set their role per environment. Needs the role manager.
  public var serviceUsers: ServiceUsers { ServiceUsers(client: client) }
}

/// Service users: programmatic accounts for CI and automation, as `modal workspace service-users`
/// and Python's `Workspace.service_users` manage them. A new one has no access to any environment
/// until a role is set there.
///
/// ```swift
/// let bot = try await client.workspace.serviceUsers.create("ci-bot", expiresIn: 86_400)
/// try await client.workspace.serviceUsers.setRole("ci-bot", environment: "dev", role: .viewer)
/// print("MODAL_TOKEN_ID=\(bot.tokenID)", "MODAL_TOKEN_SECRET=\(bot.tokenSecret)")
/// ```
public struct ServiceUsers: Sendable {
  let client: ModalClient

  /// Creates a service user and its token (`ServiceUserCreate`); the token stops working after
  /// `expiresIn` seconds when given. The secret is in the answer only, never again.
  public func create(_ name: String, expiresIn: UInt32? = nil, options: CallOptions = .standard) async throws(ModalError)
    -> NewServiceUser
  {
    let request = ServiceUserCreateRequest(name: name, expiresInSeconds: expiresIn ?? 0)
    let response = try await client.call(ModalClientMethods.serviceUserCreate, request, options: options)
    return NewServiceUser(
      serviceUserID: response.serviceUserID, tokenID: response.tokenID, tokenSecret: response.tokenSecret,
      expiresAt: response.expiresAt.map { UnixTime(seconds: Double($0.seconds)) })
  }

  /// Every service user of the workspace, oldest first (`ServiceUserList`).
  public func list(options: CallOptions = .standard) async throws(ModalError) -> [ServiceUserInfo] {
    try await client.call(ModalClientMethods.serviceUserList, Empty(), options: options).serviceUsers.map(ServiceUserInfo.init)
  }

  /// The service user named `name` (`ServiceUserInfo`).
  public func info(_ name: String, options: CallOptions = .standard) async throws(ModalError) -> ServiceUserInfo {
    let response = try await client.call(
      ModalClientMethods.serviceUserInfo, ServiceUserInfoRequest(serviceUserName: name), options: options)
    return ServiceUserInfo(response.serviceUser ?? ModalAPI.ServiceUser())
  }

  /// Deletes a service user; its tokens stop working at once. With `allowMissing`, one that does
  /// not exist is no error.
  public func delete(_ name: String, allowMissing: Bool = false, options: CallOptions = .standard) async throws(ModalError) {
    do {
      _ = try await client.call(
        ModalClientMethods.serviceUserDelete, ServiceUserDeleteRequest(serviceUserName: name), options: options)
    } catch where error.code == .notFound && allowMissing {
      return
    }
  }

  /// Sets a service user's role in an environment (`EnvironmentRoleSet`).
  public func setRole(_ name: String, environment: String, role: EnvironmentRoleName, options: CallOptions = .standard)
    async throws(ModalError)
  {
    try await setRole(name, environment: environment, roleText: role.rawValue, options: options)
  }

  /// `setRole` with the role as typed by a user, sent unchecked as Python sends it, so the
  /// server's refusal names the roles it knows (`modal workspace service-users set-role`).
  package func setRole(_ name: String, environment: String, roleText: String, options: CallOptions = .standard)
    async throws(ModalError)
  {
    let environmentID = try await client.environments.get(environment, options: options).id
    var request = EnvironmentRoleSetRequest()
    request.serviceUserName = name
    request.environmentID = environmentID
    request.roleStr = roleText
    _ = try await client.call(ModalClientMethods.environmentRoleSet, request, options: options)
  }
}

/// A role in an environment, as Modal names it.
public enum EnvironmentRoleName: String, Sendable, Hashable, CaseIterable {
  /// Reads the environment's objects.
  case viewer
  /// Also creates, changes and deletes them.
  case contributor
  /// Sees nothing of the environment.
  case noAccess = "no-access"
}

/// A service user just created: its token, shown once.
public struct NewServiceUser: Sendable, Hashable {
  /// The service user's id (`su-…`).
  public var serviceUserID: String
  /// The token id (`ak-…`), for `MODAL_TOKEN_ID`.
  public var tokenID: String
  /// The token secret (`as-…`), for `MODAL_TOKEN_SECRET`.
  public var tokenSecret: String
  /// When the token stops working; nil when never.
  public var expiresAt: UnixTime?
}

/// A service user as listed (never its token's secret).
public struct ServiceUserInfo: Sendable, Hashable {
  /// The id (`su-…`).
  public var serviceUserID: String
  /// The name.
  public var name: String
  /// Its token's id.
  public var tokenID: String
  /// Who created it.
  public var createdBy: String
  /// When it was created.
  public var createdAt: UnixTime?
  /// When its token was last used; nil when never.
  public var lastUsedAt: UnixTime?
  /// When its token stops working; nil when never.
  public var expiresAt: UnixTime?
  /// Its role in each environment, in the server's order: (environment name, role).
  public var environmentRoles: [EnvironmentRoleEntry]

  init(_ wire: ModalAPI.ServiceUser) {
    serviceUserID = wire.serviceUserID
    name = wire.name
    tokenID = wire.tokenID
    createdBy = wire.createdBy
    createdAt = UnixTime(ifSet: wire.createdAt)
    lastUsedAt = UnixTime(ifSet: wire.lastUsedAt)
    expiresAt = wire.expiresAt.flatMap { UnixTime(ifSet: $0) }
    environmentRoles = wire.environmentRoles.map { EnvironmentRoleEntry(name: $0.environmentName, role: $0.roleStr) }
  }
}

/// A role and what it is named by: an environment (a service user's roles) or a member or
/// service user (an environment's roles).
public struct EnvironmentRoleEntry: Sendable, Hashable {
  /// The environment's name, or the member's or service user's name.
  public var name: String
  /// `viewer`, `contributor` or `no-access`.
  public var role: String
}
