import Foundation
import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing
import TestSupport

/// Service users and environment roles: the services over both databases (roles enforced on
/// secrets, the audit entries), and the `ServiceUser*`/`EnvironmentRole*` RPCs.
@Suite(.serialized) struct ServiceUserTests {
  /// A backend over `store` with an owner, a member, and environments `main`, `dev` and `prod`,
  /// each holding a secret `db`.
  private struct World {
    let backend: Backend
    let owner: SessionCaller
    let member: Caller
    let dev: Environment
    let prod: Environment

    init(store: any Store) async throws {
      backend = Backend(dependencies: Dependencies(store: store, keys: .random()))
      let booted = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
      owner = SessionCaller(user: booted.user, workspace: booted.workspace, role: .owner)
      let ownerToken = try await backend.tokens.authenticate(id: booted.token.id.rawValue, secret: booted.token.secret)
      dev = try await backend.environments.create("dev", for: ownerToken)
      prod = try await backend.environments.create("prod", for: ownerToken)
      for environment in ["main", "dev", "prod"] {
        _ = try await backend.secrets.getOrCreate(
          name: "db", environmentName: environment, mode: .createFailIfExists, values: ["K": "V"], requiredKeys: [],
          for: ownerToken)
      }
      let user = try await backend.accounts.createUser(email: "mia@example.com", password: nil)
      try await backend.accounts.setMembership(user: user, workspace: booted.workspace, role: .member, by: .serverOperator)
      let token = try await backend.tokens.issue(
        workspaceID: booted.workspace.id, owner: .user(id: user.id), createdByUserID: user.id, name: "mia", scopes: .all,
        lifetimeSeconds: nil, by: .serverOperator)
      member = try await backend.tokens.authenticate(id: token.id.rawValue, secret: token.secret)
    }

    func listSecrets(_ environment: String, as caller: Caller) async throws -> [String] {
      try await backend.secrets.list(environmentName: environment, createdBefore: nil, limit: 0, for: caller).secrets
        .compactMap(\.name)
    }

    func createSecret(_ environment: String, as caller: Caller) async throws {
      _ = try await backend.secrets.getOrCreate(
        name: "new", environmentName: environment, mode: .createIfMissing, values: ["K": "V"], requiredKeys: [],
        for: caller)
    }
  }

  private func lifecycle(_ store: any Store) async throws {
    let world = try await World(store: store)
    let service = world.backend.serviceUsers
    let (bot, issued) = try await service.create(name: "ci-bot", expiresInSeconds: 3600, by: world.owner)
    #expect(bot.scoped && bot.role == .member)
    let expires = try #require(issued.record.expiresAt)
    #expect(abs(expires.seconds - Date().timeIntervalSince1970 - 3600) < 60)
    let caller = try await world.backend.tokens.authenticate(id: issued.id.rawValue, secret: issued.secret)

    // No access anywhere until a role is set; the refusal names the role needed.
    let refused = await serverError { try await world.listSecrets("dev", as: caller) }
    #expect(refused?.code == .permissionDenied && refused?.message.contains("needs the environment role viewer") == true)
    try await service.setRole(.viewer, of: "ci-bot", in: world.dev, by: world.owner)
    #expect(try await world.listSecrets("dev", as: caller) == ["db"])
    #expect(await serverError { try await world.listSecrets("prod", as: caller) }?.code == .permissionDenied)
    let write = await serverError { try await world.createSecret("dev", as: caller) }
    #expect(write?.code == .permissionDenied && write?.message.contains("contributor") == true)
    try await service.setRole(.contributor, of: "ci-bot", in: world.dev, by: world.owner)
    try await world.createSecret("dev", as: caller)

    // Info and the environment's role list show it; the member keeps the default (viewer).
    let info = try await service.info(name: "ci-bot", for: world.owner)
    #expect(info.token?.id == issued.id && info.createdBy == "owner@example.com")
    #expect(info.environmentRoles.map { "\($0.environment.name)=\($0.role.rawValue)" } == [
      "main=no-access", "dev=contributor", "prod=no-access",
    ])
    let roles = try await world.backend.environmentRoles.roles(in: world.dev.id, for: world.member).principals
    #expect(roles.map { "\($0.name)=\($0.role.rawValue)/\($0.assigned)" } == [
      "owner@example.com=contributor/false", "mia@example.com=viewer/false", "ci-bot=contributor/true",
    ])

    // A member narrowed to no-access in prod loses it there only; managers cannot be narrowed.
    let roleService = world.backend.environmentRoles
    try await roleService.set(.noAccess, for: world.member.owner, in: world.prod, by: world.owner)
    #expect(await serverError { try await world.listSecrets("prod", as: world.member) }?.code == .permissionDenied)
    #expect(try await world.listSecrets("main", as: world.member) == ["db"])
    let narrowOwner = await serverError { try await roleService.set(.viewer, for: world.owner.owner, in: world.prod, by: world.owner) }
    #expect(narrowOwner?.code == .failedPrecondition)
    let memberSets = await serverError { try await roleService.set(.viewer, for: .serviceUser(id: bot.id), in: world.prod, by: world.member) }
    #expect(memberSets?.code == .permissionDenied && memberSets?.message.contains("manager") == true)
    let memberCreates = await serverError { try await service.create(name: "x", expiresInSeconds: nil, by: world.member) }
    #expect(memberCreates?.code == .permissionDenied)
    #expect(await serverError { try await service.create(name: "ci-bot", expiresInSeconds: nil, by: world.owner) }?.code == .alreadyExists)
    #expect(await serverError { try await service.create(name: "bad name!", expiresInSeconds: nil, by: world.owner) }?.code == .invalidArgument)
    #expect(await serverError { try await service.info(name: "nobody", for: world.owner) }?.code == .notFound)

    // Deleted: its token stops working and its roles are gone.
    try await service.delete("ci-bot", by: world.owner)
    let gone = await serverError { try await world.backend.tokens.authenticate(id: issued.id.rawValue, secret: issued.secret) }
    #expect(gone?.code == .unauthenticated)
    #expect(try await store.environmentRoles(workspaceID: world.owner.workspace.id).map(\.principal) == [world.member.owner])
    #expect(await serverError { try await service.delete("ci-bot", by: world.owner) }?.code == .notFound)
    // A member removed loses their roles with the membership, so a return starts from the defaults.
    guard case .user(let mia) = world.member.identity else { throw ServerError(.internal, "mia is a user") }
    try await world.backend.accounts.removeMember(mia, from: world.owner.workspace, by: .serverOperator)
    #expect(try await store.environmentRoles(workspaceID: world.owner.workspace.id).isEmpty)

    var query = AuditQuery(workspaceID: world.owner.workspace.id)
    query.actions = ["service_user.*", "environment_role.*"]
    query.oldestFirst = true
    let entries = try await store.auditEntries(query)
    #expect(entries.map(\.action.rawValue) == [
      "service_user.created", "environment_role.changed", "environment_role.changed", "environment_role.changed",
      "service_user.deleted",
    ])
    #expect(entries[1].detail == ["environment": "dev", "role": "viewer"] && entries[1].target.name == "ci-bot")
    #expect(entries[3].target.name == "mia@example.com" && entries[3].detail["role"] == "no-access")
    #expect(entries.allSatisfy { $0.actor.name == "owner@example.com" })
  }

  @Test func theLifecycleHoldsInSQLite() async throws { try await StoreFixture.sqlite(lifecycle) }

  @Test func theLifecycleHoldsInPostgreSQL() async throws { try await StoreFixture.postgres(lifecycle) }

  /// The six RPCs over the wire, as Python's `modal.Workspace` and `modal.Environment` call them.
  @Test func theRPCsRoundTrip() async throws {
    try await withHarness { harness in
      let created = try await harness.call(
        ModalClientMethods.serviceUserCreate, ServiceUserCreateRequest(name: "ci-bot", expiresInSeconds: 60), as: harness.owner)
      #expect(created.tokenID.hasPrefix("ak-") && created.tokenSecret.hasPrefix("as-") && created.expiresAt != nil)
      let environment = try await harness.call(
        ModalClientMethods.environmentGetOrCreate, EnvironmentGetOrCreateRequest(deploymentName: "main"), as: harness.owner)
      var set = EnvironmentRoleSetRequest()
      set.serviceUserName = "ci-bot"
      set.environmentID = environment.environmentID
      set.roleStr = "viewer"
      _ = try await harness.call(ModalClientMethods.environmentRoleSet, set, as: harness.owner)
      let listed = try await harness.call(ModalClientMethods.serviceUserList, Empty(), as: harness.owner).serviceUsers
      #expect(listed.map(\.name) == ["ci-bot"] && listed[0].tokenID == created.tokenID && listed[0].scoped)
      #expect(listed[0].environmentRoles.map(\.roleStr) == ["viewer"] && listed[0].expiresAt != nil)
      let info = try await harness.call(
        ModalClientMethods.serviceUserInfo, ServiceUserInfoRequest(serviceUserName: "ci-bot"), as: harness.owner)
      #expect(info.serviceUser?.serviceUserID == created.serviceUserID)
      let roles = try await harness.call(
        ModalClientMethods.environmentGetRoles, EnvironmentGetRolesRequest(environmentID: environment.environmentID),
        as: harness.owner)
      #expect(roles.name == "main")
      #expect(roles.principalRoles.map { $0.userName + $0.serviceUserName + ":" + $0.roleStr } == [
        "owner@example.com:contributor", "ci-bot:viewer",
      ])
      #expect(roles.principalRoles.map(\.hasRoleAssignment) == [false, true])
      let member = try await harness.member("mia", role: .member)
      let refused = await rpcError { try await harness.call(ModalClientMethods.serviceUserList, Empty(), as: member) }
      #expect(refused?.code == .permissionDenied && refused?.message.contains("needs the role manager") == true)
      set.roleStr = "admin"
      let badRole = await rpcError { try await harness.call(ModalClientMethods.environmentRoleSet, set, as: harness.owner) }
      #expect(badRole?.code == .invalidArgument && badRole?.message.contains("no-access") == true)
      _ = try await harness.call(
        ModalClientMethods.serviceUserDelete, ServiceUserDeleteRequest(serviceUserName: "ci-bot"), as: harness.owner)
      let again = await rpcError {
        try await harness.call(ModalClientMethods.serviceUserDelete, ServiceUserDeleteRequest(serviceUserName: "ci-bot"), as: harness.owner)
      }
      #expect(again?.code == .notFound)
    }
  }
}
