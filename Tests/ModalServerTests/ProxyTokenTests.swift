import Foundation
import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing
import TestSupport

/// Proxy tokens (Modal's webhook tokens): the service over both databases, the `Webhook*` RPCs,
/// and the answers of `GET /proxy-auth`.
@Suite(.serialized) struct ProxyTokenTests {
  /// A backend over `store` with a bootstrapped owner (workspace `acme`, environments `main` and `prod`).
  private struct World {
    let backend: Backend
    let owner: SessionCaller
    let main: Environment
    let prod: Environment

    init(store: any Store, keys: ServerKeys = .random()) async throws {
      backend = Backend(dependencies: Dependencies(store: store, keys: keys))
      let booted = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
      owner = SessionCaller(user: booted.user, workspace: booted.workspace, role: .owner)
      let caller = try await backend.tokens.authenticate(id: booted.token.id.rawValue, secret: booted.token.secret)
      main = try await backend.environments.resolve("main", in: booted.workspace)
      prod = try await backend.environments.create("prod", for: caller)
    }

    func verify(_ key: String?, _ secret: String?, _ environment: String = "main") async throws -> ProxyVerdict {
      try await backend.proxyTokens.verify(key: key, secret: secret, environmentName: environment, peer: "127.0.0.1")
    }
  }

  /// The life of a token, as every store must keep it.
  private func lifecycle(_ store: any Store) async throws {
    let world = try await World(store: store)
    let service = world.backend.proxyTokens
    let (token, secret) = try await service.create(name: "  hooks  ", scoped: false, by: world.owner)
    #expect(token.id.rawValue.hasPrefix("wk-") && ProxyTokenFormat.isWellFormedID(token.id.rawValue))
    #expect(secret.hasPrefix("ws-") && ProxyTokenFormat.isWellFormedSecret(secret))
    #expect(token.name == "hooks" && token.createdByName == "owner@example.com")
    #expect(try await store.proxyToken(id: token.id)?.secretHash != secret, "only a keyed hash is stored")

    // Unscoped: every environment, the default for an empty name.
    #expect(try await world.verify(token.id.rawValue, secret) == .allowed(token.id))
    #expect(try await world.verify(token.id.rawValue, secret, "prod") == .allowed(token.id))
    #expect(try await world.verify(token.id.rawValue, secret, "") == .allowed(token.id))

    // Allowing it in prod scopes it there: main is refused from then on, prod still passes.
    try await service.setEnvironment(token.id, environment: world.prod.id, allowed: true, by: world.owner)
    #expect(try await service.environments(of: token.id, for: world.owner) == [world.prod.id])
    if case .forbidden = try await world.verify(token.id.rawValue, secret, "main") {} else { Issue.record("main should be refused") }
    if case .forbidden = try await world.verify(token.id.rawValue, secret, "nowhere") {} else { Issue.record("unknown environment") }
    #expect(try await world.verify(token.id.rawValue, secret, "prod") == .allowed(token.id))
    #expect(try await service.list(environmentName: "prod", for: world.owner).map(\.id) == [token.id])
    #expect(try await service.list(environmentName: "main", for: world.owner).isEmpty)

    // Taking the last environment away leaves it working nowhere, not everywhere.
    try await service.setEnvironment(token.id, environment: world.prod.id, allowed: false, by: world.owner)
    if case .forbidden = try await world.verify(token.id.rawValue, secret, "prod") {} else { Issue.record("prod after revoke") }
    #expect(try await service.list(environmentName: nil, for: world.owner).map(\.scoped) == [true])

    #expect(try await service.rename(token.id, to: "renamed", by: world.owner).name == "renamed")
    #expect(try await service.rename(token.id, to: "", by: world.owner).name == "")

    try await service.delete(token.id, by: world.owner)
    #expect(try await world.verify(token.id.rawValue, secret, "prod") == .unauthenticated(ProxyTokenService.refusedMessage))
    #expect(try await service.list(environmentName: nil, for: world.owner).isEmpty)
    let gone = await serverError { try await service.delete(token.id, by: world.owner) }
    #expect(gone?.code == .notFound)

    // Each change is in the audit log once, in order, by the owner; the refused delete is not.
    var query = AuditQuery(workspaceID: world.owner.workspace.id)
    query.actions = ["proxy_token.*"]
    query.oldestFirst = true
    let entries = try await store.auditEntries(query)
    #expect(entries.map(\.action.rawValue) == [
      "proxy_token.created", "proxy_token.environment_allowed", "proxy_token.environment_revoked",
      "proxy_token.renamed", "proxy_token.renamed", "proxy_token.deleted",
    ])
    #expect(entries.allSatisfy { $0.target.id == token.id.rawValue && $0.actor.name == "owner@example.com" })
    #expect(entries[1].detail["environment"] == "prod")
    #expect(!entries.contains { "\($0)".contains(secret) }, "never the secret")
  }

  @Test func theLifecycleHoldsInSQLite() async throws { try await StoreFixture.sqlite(lifecycle) }

  @Test func theLifecycleHoldsInPostgreSQL() async throws { try await StoreFixture.postgres(lifecycle) }

  @Test func wrongUnknownAndMalformedPairsGetTheSameRefusal() async throws {
    try await StoreFixture.sqlite { store in
      let world = try await World(store: store)
      let (token, secret) = try await world.backend.proxyTokens.create(name: "", scoped: true, by: world.owner)
      let refused = ProxyVerdict.unauthenticated(ProxyTokenService.refusedMessage)
      let wrongSecret = "ws-" + String(repeating: "A", count: ProxyTokenFormat.secretLength)
      let unknownID = "wk-" + String(repeating: "B", count: ProxyTokenFormat.idLength)
      #expect(try await world.verify(token.id.rawValue, wrongSecret) == refused)
      #expect(try await world.verify(unknownID, secret) == refused)
      #expect(try await world.verify(token.id.rawValue, "as-" + secret.dropFirst(3)) == refused)
      #expect(try await world.verify(nil, secret) == refused)
      #expect(try await world.verify(token.id.rawValue, "") == refused)
      // A scoped token created without environments opens none.
      if case .forbidden = try await world.verify(token.id.rawValue, secret) {} else { Issue.record("scoped token passed") }
    }
  }

  @Test func changesNeedAManagerAndOtherWorkspacesAreNotFound() async throws {
    try await StoreFixture.sqlite { store in
      let world = try await World(store: store)
      let service = world.backend.proxyTokens
      let (token, _) = try await service.create(name: "x", scoped: false, by: world.owner)
      let member = SessionCaller(user: world.owner.user, workspace: world.owner.workspace, role: .member)
      let refused = await serverError { try await service.create(name: "y", scoped: false, by: member) }
      #expect(refused?.code == .permissionDenied && refused?.message.contains("manager") == true)
      let deleteRefused = await serverError { try await service.delete(token.id, by: member) }
      #expect(deleteRefused?.code == .permissionDenied)
      #expect(try await service.list(environmentName: nil, for: member).map(\.id) == [token.id])

      let other = try await world.backend.accounts.bootstrap(email: "other@example.com", workspaceName: "other", password: nil)
      let stranger = SessionCaller(user: other.user, workspace: other.workspace, role: .owner)
      let hidden = await serverError { try await service.delete(token.id, by: stranger) }
      #expect(hidden?.code == .notFound)
      let foreignEnvironment = await serverError {
        try await service.setEnvironment(token.id, environment: world.prod.id, allowed: true, by: stranger)
      }
      #expect(foreignEnvironment?.code == .notFound)
      let longName = await serverError { try await service.create(name: String(repeating: "n", count: 101), scoped: false, by: world.owner) }
      #expect(longName?.code == .invalidArgument)
    }
  }

  /// Two replicas over one PostgreSQL database: a token deleted on one is refused on the other
  /// at the next request, and one allowed on one passes on the other.
  @Test func aDeletedTokenIsRefusedOnEveryReplica() async throws {
    let url = try PostgresServer.shared().newDatabase()
    let keys = ServerKeys.random()
    let first = try PostgresStore(url: url, poolSize: 2)
    let second = try PostgresStore(url: url, poolSize: 2)
    let world = try await World(store: first, keys: keys)
    let replica = Backend(dependencies: Dependencies(store: second, keys: keys))
    let (token, secret) = try await world.backend.proxyTokens.create(name: "", scoped: false, by: world.owner)
    func check(_ environment: String) async throws -> ProxyVerdict {
      try await replica.proxyTokens.verify(key: token.id.rawValue, secret: secret, environmentName: environment, peer: "")
    }
    #expect(try await check("prod") == .allowed(token.id))
    try await world.backend.proxyTokens.setEnvironment(token.id, environment: world.main.id, allowed: true, by: world.owner)
    if case .forbidden = try await check("prod") {} else { Issue.record("prod should be refused on the replica") }
    try await world.backend.proxyTokens.delete(token.id, by: world.owner)
    #expect(try await check("main") == .unauthenticated(ProxyTokenService.refusedMessage))
    await first.close()
    await second.close()
  }

  // MARK: The wire

  @Test func theWebhookRPCsRoundTrip() async throws {
    try await withHarness { harness in
      let created = try await harness.call(
        ModalClientMethods.webhookTokenCreate, WebhookTokenCreateRequest(name: "hooks"), as: harness.owner)
      #expect(created.tokenID.hasPrefix("wk-") && created.tokenSecret.hasPrefix("ws-"))
      let listed = try await harness.call(ModalClientMethods.webhookTokenList, Empty(), as: harness.owner).tokens
      #expect(listed.map(\.tokenID) == [created.tokenID])
      #expect(listed.first?.name == "hooks" && listed.first?.scoped == false)
      #expect(listed.first?.createdBy?.username == "owner@example.com")

      let environment = try await harness.call(
        ModalClientMethods.environmentGetOrCreate, EnvironmentGetOrCreateRequest(deploymentName: "main"), as: harness.owner)
      _ = try await harness.call(
        ModalClientMethods.webhookTokenEnvironmentAdd,
        WebhookTokenEnvironmentAddRequest(tokenID: created.tokenID, environmentID: environment.environmentID),
        as: harness.owner)
      let ids = try await harness.call(
        ModalClientMethods.webhookTokenEnvironmentList, WebhookTokenEnvironmentListRequest(tokenID: created.tokenID),
        as: harness.owner)
      #expect(ids.environmentIds == [environment.environmentID])
      let forMain = try await harness.call(
        ModalClientMethods.webhookTokenListForEnvironment, WebhookTokenListForEnvironmentRequest(environmentName: "main"),
        as: harness.owner)
      #expect(forMain.tokens.map(\.scoped) == [true])
      _ = try await harness.call(
        ModalClientMethods.webhookTokenEnvironmentRemove,
        WebhookTokenEnvironmentRemoveRequest(tokenID: created.tokenID, environmentID: environment.environmentID),
        as: harness.owner)

      let renamed = try await harness.call(
        ModalClientMethods.webhookTokenUpdate, WebhookTokenUpdateRequest(tokenID: created.tokenID, name: "new"),
        as: harness.owner)
      #expect(renamed.name == "new")
      let unchanged = try await harness.call(
        ModalClientMethods.webhookTokenUpdate, WebhookTokenUpdateRequest(tokenID: created.tokenID), as: harness.owner)
      #expect(unchanged.name == "new")

      let member = try await harness.member("bob", role: .member)
      let refused = await rpcError {
        try await harness.call(ModalClientMethods.webhookTokenDelete, TokenDeleteRequest(tokenID: created.tokenID), as: member)
      }
      #expect(refused?.code == .permissionDenied)
      _ = try await harness.call(
        ModalClientMethods.webhookTokenDelete, TokenDeleteRequest(tokenID: created.tokenID), as: harness.owner)
      let gone = await rpcError {
        try await harness.call(ModalClientMethods.webhookTokenDelete, TokenDeleteRequest(tokenID: created.tokenID), as: harness.owner)
      }
      #expect(gone?.code == .notFound)
      // A proxy token is no API token.
      let notAnAPIToken = await rpcError {
        try await harness.call(
          ModalClientMethods.clientHello, Empty(), as: Credentials(id: created.tokenID, secret: created.tokenSecret))
      }
      #expect(notAnAPIToken?.code == .unauthenticated)
    }
  }

  // MARK: GET /proxy-auth

  @Test func proxyAuthAnswers204Or401Or403() async throws {
    try await StoreFixture.sqlite { store in
      let world = try await World(store: store)
      let dashboard = Dashboard(backend: world.backend)
      let (token, secret) = try await world.backend.proxyTokens.create(name: "", scoped: false, by: world.owner)
      try await world.backend.proxyTokens.setEnvironment(token.id, environment: world.prod.id, allowed: true, by: world.owner)
      func status(_ headers: [String: String], _ environment: String?, method: String = "GET") async -> HTTPResponse {
        let query = environment.map { ["environment": $0] } ?? [:]
        return await dashboard.handle(HTTPRequest(method: method, path: "/proxy-auth", query: query, headers: headers))
      }
      let pair = ["modal-key": token.id.rawValue, "modal-secret": secret]
      let allowed = await status(pair, "prod")
      #expect(allowed.status == 204 && allowed.body.isEmpty)
      #expect(allowed.header("Modal-Proxy-Token") == token.id.rawValue)
      #expect(allowed.header("Set-Cookie") == nil, "a proxy check starts no session")
      #expect(await status(pair, "prod", method: "HEAD").status == 204)
      #expect(await status(["authorization": "Bearer \(token.id).\(secret)"], "prod").status == 204)
      #expect(await status(pair, "main").status == 403)
      #expect(await status(pair, nil).status == 403, "no environment means the default, main")
      let wrong = await status(["modal-key": token.id.rawValue, "modal-secret": "ws-" + String(repeating: "x", count: 30)], "prod")
      #expect(wrong.status == 401)
      #expect(!String(decoding: wrong.body, as: UTF8.self).contains(secret))
      #expect(await status([:], "prod").status == 401)
      #expect(await status(["authorization": "Bearer \(token.id)"], "prod").status == 401)
      try await world.backend.proxyTokens.delete(token.id, by: world.owner)
      #expect(await status(pair, "prod").status == 401)
    }
  }

  @Test func failedProxyChecksAreThrottledLikeTokenChecks() async throws {
    try await StoreFixture.sqlite { store in
      let world = try await World(store: store)
      let (token, secret) = try await world.backend.proxyTokens.create(name: "", scoped: false, by: world.owner)
      let checks = world.backend.dependencies.failedTokenChecks
      let wrong = "ws-" + String(repeating: "z", count: ProxyTokenFormat.secretLength)
      for _ in 0..<Int(checks.burst) { _ = try await world.verify(token.id.rawValue, wrong) }
      let start = ContinuousClock.now
      _ = try await world.verify(token.id.rawValue, wrong)
      #expect(ContinuousClock.now - start >= checks.delay, "past the burst a failure waits")
      // Past the budget a correct pair still passes: failures never lock a token out. (Its speed is
      // not timed here: on a loaded machine a wall-clock upper bound flakes; it never consults the budget.)
      #expect(try await world.verify(token.id.rawValue, secret) == .allowed(token.id))
    }
  }
}
