import Foundation
import ModalJOSE
import ModalServer
import Testing
import TestSupport

/// The exchange against the workspace's token quota (minted tokens count while they live, expired
/// ones never), and the `audience` parameter choosing among workspaces that trust one token.
@Suite(.serialized) struct FederationQuotaAndAudienceTests {
  typealias World = FederationExchangeTests.World

  private static func quota(_ tokens: Int) -> ServerSettings {
    var settings = ServerSettings()
    settings.quotas.tokens = tokens
    return settings
  }

  /// Quota 3: the bootstrap token and two minted ones fill it; the third exchange is refused with
  /// `temporarily_unavailable` saying what to do, and its subject token stays usable.
  private func quotaHolds(_ store: any Store) async throws {
    let world = try await World(store: store, settings: Self.quota(3))
    let first = await world.exchange(try world.token())
    #expect(first.status == 200, "\(first.json)")
    #expect(await world.exchange(try world.token()).status == 200)
    let subject = try world.token()
    let refused = await world.exchange(subject)
    let description = refused.json["error_description"] as? String ?? ""
    #expect(refused.status == 503 && refused.json["error"] as? String == "temporarily_unavailable", "\(refused.json)")
    #expect(description.contains("Workspace 'acme' has reached its quota of 3 tokens (it has 3"), "\(description)")
    #expect(description.contains("`serve --quota-tokens`") && description.contains("count until they expire"), "\(description)")
    #expect(description.contains("policy 'gha': 15 minutes"), "\(description)")

    // The refusal did not claim the jti: once a minted token is revoked, the same token passes.
    let minted = TokenID(rawValue: try #require(first.json["token_id"] as? String))
    #expect(try await store.revokeToken(id: minted, at: world.clock.clock.now(), audit: nil))
    let retried = await world.exchange(subject)
    #expect(retried.status == 200, "\(retried.json)")

    // Expired minted tokens do not count: after their 15 minutes the workspace has room again.
    #expect(await world.exchange(try world.token()).status == 503)
    world.clock.advance(seconds: 901)
    #expect(await world.exchange(try world.token()).status == 200)
  }

  @Test func theTokenQuotaHoldsForExchangesInSQLite() async throws {
    let folder = TemporaryFolder()
    let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
    try await quotaHolds(store)
    await store.close()
  }

  @Test func theTokenQuotaHoldsForExchangesInPostgreSQL() async throws {
    let store = try PostgresStore(url: PostgresServer.shared().newDatabase(), listen: false)
    try await quotaHolds(store)
    await store.close()
  }

  /// A job that renews at 80 % of each 15-minute token (two live at the renewal) for a day, then
  /// one that exchanges every hour for a day, never meets a quota of 3 (the bootstrap token is one).
  @Test func aJobRenewingItsTokenNeverFillsTheQuotaByItself() async throws {
    let folder = TemporaryFolder()
    let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
    let world = try await World(store: store, settings: Self.quota(3))
    for round in 0..<120 {
      let answer = await world.exchange(try world.token())
      #expect(answer.status == 200, "renewal \(round): \(answer.json)")
      world.clock.advance(seconds: 720)
    }
    for hour in 0..<24 {
      let answer = await world.exchange(try world.token())
      #expect(answer.status == 200, "hour \(hour): \(answer.json)")
      world.clock.advance(seconds: 3600)
    }
    let usage = try await store.workspaceUsage(workspaceID: world.workspace.id, at: world.clock.clock.now())
    #expect(usage.tokens == 1, "only the bootstrap token is live an hour after the last exchange")
    await store.close()
  }

  /// Adds workspace `name` (signed up by its own owner) with a policy `gha` trusting the world's
  /// issuer and audience, with `conditions`.
  private func workspace(
    _ name: String, in world: World, conditions: [ClaimCondition], policy: Bool = true
  ) async throws -> Workspace {
    let owner = try await world.backend.accounts.signUp(email: "\(name)@example.com", passwordHash: "x", workspaceName: name)
    let workspace = try #require(try await world.backend.dependencies.store.workspace(name: name))
    guard policy else { return workspace }
    let terms = FederationPolicy.Terms(
      name: "gha", issuer: FederationExchangeTests.issuer, audience: "modal-acme",
      keys: .document(JSONWebKeySet(keys: [world.signer.publicKey]).jsonObject.serialized), conditions: conditions,
      scopes: ScopeSet([.secretsRead]), environmentName: nil, lifetimeSeconds: 600)
    _ = try await world.backend.federation.add(terms, in: workspace, creator: owner, by: .serverOperator)
    return workspace
  }

  /// The workspace the token of a successful exchange `answer` belongs to.
  private func workspaceOf(_ answer: (status: Int, json: [String: Any]), _ world: World) async throws -> WorkspaceID {
    let caller = try await world.backend.tokens.authenticate(
      id: answer.json["token_id"] as? String, secret: answer.json["token_secret"] as? String)
    return caller.token.workspaceID
  }

  @Test func audienceChoosesAmongWorkspacesWhosePoliciesBothMatch() async throws {
    let folder = TemporaryFolder()
    let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
    let world = try await World(store: store)
    let beta = try await workspace("beta", in: world, conditions: [ClaimCondition(key: "repository", pattern: "acme/*")])
    _ = try await workspace("gamma", in: world, conditions: [], policy: false)

    // Without the parameter the server does not guess between acme and beta.
    let ambiguous = await world.exchange(try world.token())
    #expect(ambiguous.status == 400 && ambiguous.json["error"] as? String == "invalid_request", "\(ambiguous.json)")
    #expect((ambiguous.json["error_description"] as? String)?.contains("send audience=WORKSPACE") == true)

    let toAcme = await world.exchange(try world.token(), extra: [("audience", "acme")])
    #expect(toAcme.status == 200 && toAcme.json["workspace"] as? String == "acme", "\(toAcme.json)")
    #expect(try await workspaceOf(toAcme, world) == world.workspace.id)
    let toBeta = await world.exchange(try world.token(), extra: [("audience", "beta")])
    #expect(toBeta.status == 200 && toBeta.json["workspace"] as? String == "beta", "\(toBeta.json)")
    #expect(try await workspaceOf(toBeta, world) == beta.id)
    #expect(toBeta.json["scope"] as? String == "secrets:read" && toBeta.json["expires_in"] as? Int == 600)

    // A workspace that does not trust the token, or does not exist: invalid_target, by name.
    for name in ["gamma", "nowhere"] {
      let refused = await world.exchange(try world.token(), extra: [("audience", name)])
      #expect(refused.status == 400 && refused.json["error"] as? String == "invalid_target", "\(name): \(refused.json)")
      #expect((refused.json["error_description"] as? String)?.contains("workspace '\(name)' trusts") == true)
    }

    // Claim conditions pick the workspace when only one policy fits: no parameter needed, and
    // naming the other workspace reports its failed condition.
    let other = ["repository": JSONValue.string("acme/other")]
    let onlyBeta = await world.exchange(try world.token(other))
    #expect(onlyBeta.status == 200 && onlyBeta.json["workspace"] as? String == "beta", "\(onlyBeta.json)")
    let wrongOne = await world.exchange(try world.token(other), extra: [("audience", "acme")])
    #expect(wrongOne.json["error"] as? String == "invalid_grant", "\(wrongOne.json)")
    #expect((wrongOne.json["error_description"] as? String)?.contains("'repository'") == true)
    await store.close()
  }
}
