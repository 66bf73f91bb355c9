import Foundation
import ModalAPI
@testable import ModalServer
import ProtoWire
import RPC
import Testing
import TestSupport

/// Disabled tokens (`TokenDisable`, `TokenEnable`): refused with their own message until enabled,
/// on both databases and on every replica at once, each change audited once.
@Suite(.serialized) struct TokenDisableTests {
  /// A backend over `store` with an owner, a manager and a member, each with a token.
  private struct Team {
    let backend: Backend
    let workspace: Workspace
    let owner: Caller
    let manager: Caller
    let member: Caller
    let secrets: [TokenID: String]

    init(store: any Store, keys: ServerKeys = .random()) async throws {
      backend = Backend(dependencies: Dependencies(store: store, keys: keys))
      let booted = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
      workspace = booted.workspace
      var secrets = [booted.token.id: booted.token.secret]
      var callers: [Caller] = []
      for (name, role) in [("max", Role.manager), ("mia", Role.member)] {
        let user = try await backend.accounts.createUser(email: "\(name)@example.com", password: nil)
        try await backend.accounts.setMembership(user: user, workspace: workspace, role: role, by: .serverOperator)
        let token = try await backend.tokens.issue(
          workspaceID: workspace.id, owner: .user(id: user.id), createdByUserID: user.id, name: name, scopes: .all,
          lifetimeSeconds: nil, by: .serverOperator)
        secrets[token.id] = token.secret
        callers.append(try await backend.tokens.authenticate(id: token.id.rawValue, secret: token.secret))
      }
      owner = try await backend.tokens.authenticate(id: booted.token.id.rawValue, secret: booted.token.secret)
      (manager, member, self.secrets) = (callers[0], callers[1], secrets)
    }

    /// Authenticates `caller`'s token through `backend` (another replica's, or this one's).
    func use(_ caller: Caller, on backend: Backend? = nil) async throws(ServerError) -> Caller {
      let id = caller.token.id
      return try await (backend ?? self.backend).tokens.authenticate(id: id.rawValue, secret: secrets[id])
    }
  }

  private func lifecycle(_ store: any Store) async throws {
    let team = try await Team(store: store)
    let tokens = team.backend.tokens
    let everyone = [team.owner, team.manager, team.member].map(\.token.id)

    // A member may disable only their own token; another's is not found and nothing changes.
    let hidden = await serverError { try await tokens.setDisabled([team.member.token.id, team.owner.token.id], disabled: true, by: team.member) }
    #expect(hidden?.code == .notFound)
    _ = try await team.use(team.member)

    // A manager disables every token, their own included, at once; again changes nothing.
    #expect(try await tokens.setDisabled(everyone, disabled: true, by: team.manager) == everyone)
    #expect(try await tokens.setDisabled(everyone, disabled: true, by: team.manager).isEmpty)
    for caller in [team.owner, team.manager, team.member] {
      let refused = await serverError { try await team.use(caller) }
      #expect(refused?.code == .unauthenticated)
      #expect(refused?.message.hasPrefix("Token \(caller.token.id) was disabled at ") == true, "\(String(describing: refused))")
      #expect(refused?.message != TokenService.invalidCredentialsMessage)
      #expect(refused.map(TokenService.outcome(of:)) == .disabled)
    }
    // The owner lists them all as disabled, through a dashboard session (tokens cannot act now).
    let session = SessionCaller(user: try #require(try await store.user(email: "owner@example.com")), workspace: team.workspace, role: .owner)
    #expect(try await tokens.listing(for: session).allSatisfy { $0.token.disabledAt != nil })

    // Enabling restores them; a wrong secret is still the generic refusal.
    #expect(try await tokens.setDisabled(everyone.reversed() + [everyone[0]], disabled: false, by: session) == everyone.reversed())
    for caller in [team.owner, team.manager, team.member] { _ = try await team.use(caller) }
    let wrong = await serverError { try await tokens.authenticate(id: team.member.token.id.rawValue, secret: TokenFormat.newSecret()) }
    #expect(wrong?.message == TokenService.invalidCredentialsMessage)

    // A deleted token cannot be enabled, and disabling it changes nothing.
    try await tokens.revoke(id: team.member.token.id, by: team.owner)
    #expect(try await tokens.setDisabled([team.member.token.id], disabled: true, by: team.owner).isEmpty)
    let deleted = await serverError { try await tokens.setDisabled([team.member.token.id], disabled: false, by: team.owner) }
    #expect(deleted?.code == .failedPrecondition && deleted?.message.contains("was deleted at") == true)

    // Each real change is in the audit log once, in order, naming its actor.
    var query = AuditQuery(workspaceID: team.workspace.id)
    query.actions = ["token.disabled", "token.enabled"]
    query.oldestFirst = true
    let entries = try await store.auditEntries(query)
    #expect(entries.map(\.action.rawValue) == Array(repeating: "token.disabled", count: 3) + Array(repeating: "token.enabled", count: 3))
    #expect(entries.prefix(3).map(\.target.id) == everyone.map(\.rawValue))
    #expect(entries.prefix(3).allSatisfy { $0.actor.name == "max@example.com" })
    #expect(entries.suffix(3).allSatisfy { $0.actor.name == "owner@example.com" && $0.actor.source == "web" })
  }

  @Test func theLifecycleHoldsInSQLite() async throws { try await StoreFixture.sqlite(lifecycle) }

  @Test func theLifecycleHoldsInPostgreSQL() async throws { try await StoreFixture.postgres(lifecycle) }

  /// Two replicas over one PostgreSQL database, each remembering callers: a token disabled on one
  /// is refused on the other at its next call, and works there again once enabled.
  @Test func aDisabledTokenIsRefusedOnEveryReplica() async throws {
    let url = try PostgresServer.shared().newDatabase()
    let keys = ServerKeys.random()
    let first = try PostgresStore(url: url, poolSize: 2)
    let second = try PostgresStore(url: url, poolSize: 2)
    let team = try await Team(store: first, keys: keys)
    var settings = ServerSettings()
    settings.callerCacheLifetime = .seconds(60)
    let replica = Backend(dependencies: Dependencies(store: second, keys: keys, settings: settings))
    _ = try await team.use(team.member, on: replica)  // now remembered by the replica for a minute
    try await team.backend.tokens.setDisabled([team.member.token.id], disabled: true, by: team.owner)
    try await eventually {
      do {
        _ = try await team.use(team.member, on: replica)
        return false
      } catch {
        return "\(error)".contains("was disabled at")
      }
    }
    try await team.backend.tokens.setDisabled([team.member.token.id], disabled: false, by: team.owner)
    try await eventually { (try? await team.use(team.member, on: replica)) != nil }
    await first.close()
    await second.close()
  }

  /// Waits up to 5 seconds for `condition` (a notice between replicas takes a moment).
  private func eventually(_ condition: () async -> Bool) async throws {
    for _ in 0..<100 {
      if await condition() { return }
      try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("the replica did not see the change within 5 seconds")
  }

  /// The wire: Python's request shape (a list of ids, repeats allowed), an empty list, the RPC names.
  @Test func theRPCsTakeAListOfIds() async throws {
    try await withHarness { harness in
      let mia = try await harness.member("mia", role: .member)
      _ = try await harness.call(ModalClientMethods.tokenDisable, TokenDisableRequest(tokenIds: [mia.id, mia.id]), as: harness.owner)
      let refused = await rpcError { try await harness.call(ModalClientMethods.clientHello, Empty(), as: mia) }
      #expect(refused?.code == .unauthenticated && refused?.message.contains("was disabled at") == true)
      let listed = try await harness.call(ModalClientMethods.tokensList, Empty(), as: harness.owner).tokens
      #expect(listed.first { $0.tokenID == mia.id }?.disabled == true)
      #expect(listed.first { $0.tokenID == harness.owner.id }?.disabled == false)
      _ = try await harness.call(ModalClientMethods.tokenDisable, TokenDisableRequest(tokenIds: []), as: harness.owner)
      _ = try await harness.call(ModalClientMethods.tokenEnable, TokenEnableRequest(tokenIds: [mia.id]), as: harness.owner)
      _ = try await harness.call(ModalClientMethods.clientHello, Empty(), as: mia)
      let unknown = await rpcError {
        try await harness.call(ModalClientMethods.tokenEnable, TokenEnableRequest(tokenIds: [TokenFormat.newID()]), as: mia)
      }
      #expect(unknown?.code == .notFound)
    }
  }
}
