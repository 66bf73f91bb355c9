import Foundation
import ModalServer
import Testing
import TestSupport

/// Trust policies of workload identity federation: the service over both databases, claim
/// matching, the `jti` record, and `modal-server federation`.
@Suite(.serialized) struct FederationPolicyTests {
  static let jwks = #"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"k1"}]}"#

  static func draft(_ name: String = "ci", conditions: [ClaimCondition] = []) -> FederationPolicy.Terms {
    FederationPolicy.Terms(
      name: name, issuer: "https://token.actions.githubusercontent.com", audience: "modal", keys: .document(jwks),
      conditions: conditions, scopes: ScopeSet([.secretsRead]), environmentName: nil, lifetimeSeconds: 600)
  }

  /// Add, list, refuse mistakes, mint and remove, as every store must keep them.
  private func lifecycle(_ store: any Store) async throws {
    let backend = Backend(dependencies: Dependencies(store: store, keys: .random()))
    let booted = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
    let workspace = booted.workspace
    let service = backend.federation
    let conditions = [ClaimCondition(key: "repository", pattern: "acme/app"), ClaimCondition(key: "ref", pattern: "refs/heads/*")]
    let policy = try await service.add(
      Self.draft(conditions: conditions), in: workspace, creator: booted.user, by: .serverOperator)
    #expect(policy.id.rawValue.hasPrefix("fp-"))
    #expect(try await service.list(in: workspace) == [policy])
    #expect(try await store.federationPolicies(issuer: policy.terms.issuer) == [policy])
    #expect(try await store.federationPolicies(issuer: "https://other.example").isEmpty)
    let serviceUser = try #require(try await store.serviceUser(id: policy.serviceUserID))
    #expect(serviceUser.name == "oidc-ci" && serviceUser.role == .manager)

    // The same name twice, an http issuer, a too long lifetime, an unknown environment: refused.
    await #expect(throws: ServerError.self) { try await service.add(Self.draft(), in: workspace, creator: booted.user, by: .serverOperator) }
    var bad = Self.draft("other")
    bad.issuer = "http://token.example"
    #expect(await serverError { try await service.add(bad, in: workspace, creator: booted.user, by: .serverOperator) }?.message.contains("https://") == true)
    bad = Self.draft("other")
    bad.lifetimeSeconds = 13 * 3600
    #expect(await serverError { try await service.add(bad, in: workspace, creator: booted.user, by: .serverOperator) }?.message.contains("12h") == true)
    bad = Self.draft("other")
    bad.environmentName = "nowhere"
    #expect(await serverError { try await service.add(bad, in: workspace, creator: booted.user, by: .serverOperator) }?.code == .notFound)
    bad = Self.draft("other")
    bad.keys = .document("{\"nokeys\": 1}")
    #expect(await serverError { try await service.add(bad, in: workspace, creator: booted.user, by: .serverOperator) }?.message.contains("keys") == true)

    // A jti is accepted once until it expires, then forgotten.
    let now = UnixTime(microseconds: 1_000_000_000_000_000)
    let later = now.adding(seconds: 300)
    #expect(try await store.claimTokenID(issuer: policy.terms.issuer, jti: "j1", expiresAt: later, now: now))
    #expect(try await !store.claimTokenID(issuer: policy.terms.issuer, jti: "j1", expiresAt: later, now: now))
    #expect(try await store.claimTokenID(issuer: "https://other.example", jti: "j1", expiresAt: later, now: now))
    #expect(try await store.claimTokenID(issuer: policy.terms.issuer, jti: "j1", expiresAt: later.adding(seconds: 600), now: later.adding(seconds: 1)))

    // A minted token records its origin; removing the policy revokes it and drops the service user.
    let issued = try backend.tokens.makeToken(
      workspaceID: workspace.id, owner: .serviceUser(id: policy.serviceUserID), createdByUserID: nil, name: "oidc:ci",
      scopes: policy.terms.scopes, lifetimeSeconds: 600)
    let origin = FederatedOrigin(policyID: policy.id, policyName: "ci", issuer: policy.terms.issuer, subject: "repo:acme/app:ref:refs/heads/main")
    try await store.insertFederatedToken(issued.record, origin: origin, audit: nil)
    #expect(try await store.federatedOrigins(tokenIDs: [issued.id, booted.token.id]) == [issued.id: origin])
    try await service.remove("ci", in: workspace, by: .serverOperator)
    #expect(try await service.list(in: workspace).isEmpty)
    #expect(try await store.token(id: issued.id)?.revokedAt != nil)
    #expect(try await store.serviceUser(id: policy.serviceUserID) == nil)
    #expect(try await store.federatedOrigins(tokenIDs: [issued.id]) == [issued.id: origin], "kept for the listing")
    #expect(await serverError { try await service.remove("ci", in: workspace, by: .serverOperator) }?.code == .notFound)

    var query = AuditQuery(workspaceID: workspace.id)
    query.oldestFirst = true
    let actions = try await store.auditEntries(query).map(\.action.rawValue).filter { $0.hasPrefix("federation.") }
    #expect(actions == ["federation.policy_added", "federation.policy_removed"])
  }

  @Test func theLifecycleHoldsInSQLite() async throws { try await StoreFixture.sqlite(lifecycle) }

  @Test func theLifecycleHoldsInPostgreSQL() async throws { try await StoreFixture.postgres(lifecycle) }

  /// Two replicas over one database: a jti one of them accepted is refused by the other, and of
  /// many racing for one jti exactly one wins.
  @Test func aJTIIsAcceptedOnceAcrossReplicas() async throws {
    let url = try PostgresServer.shared().newDatabase()
    let first = try PostgresStore(url: url, poolSize: 4, listen: false)
    let second = try PostgresStore(url: url, poolSize: 4, listen: false)
    let now = UnixTime(date: Date())
    #expect(try await first.claimTokenID(issuer: "https://i.example", jti: "a", expiresAt: now.adding(seconds: 60), now: now))
    #expect(try await !second.claimTokenID(issuer: "https://i.example", jti: "a", expiresAt: now.adding(seconds: 60), now: now))
    let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
      for index in 0..<8 {
        let store = index % 2 == 0 ? first : second
        group.addTask { try await store.claimTokenID(issuer: "https://i.example", jti: "b", expiresAt: now.adding(seconds: 60), now: now) }
      }
      return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
    }
    #expect(wins == 1)
    await first.close()
    await second.close()
  }

  @Test func claimConditionsMatchExactlyOrAsGlobs() throws {
    let exact = try ClaimCondition(parsing: "repository=acme/app")
    #expect(exact.matches("acme/app") && !exact.matches("acme/app2") && !exact.matches(nil) && !exact.isGlob)
    let glob = try ClaimCondition(parsing: "sub=repo:acme/*:environment:prod")
    #expect(glob.matches("repo:acme/app:environment:prod") && glob.matches("repo:acme/a/b:environment:prod"))
    #expect(!glob.matches("repo:evil/app:environment:prod") && !glob.matches("repo:acme/app:environment:dev"))
    let ref = try ClaimCondition(parsing: "ref=refs/heads/release-?")
    #expect(ref.matches("refs/heads/release-1") && !ref.matches("refs/heads/release-10"))
    #expect(try ClaimCondition(parsing: "run_attempt=1").matches("1"))
    for bad in ["noequals", "=value", "key=", "bad key=x"] {
      #expect(throws: ServerError.self, "\(bad)") { try ClaimCondition(parsing: bad) }
    }
  }

  @Test func theCommandAddsListsAndRemovesPolicies() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data"
    #expect(try runServerCommand(["bootstrap", "--data-dir", data, "--email", "o@example.com", "--workspace", "acme"]).status == 0)
    let jwks = folder.path + "/jwks.json"
    try Self.jwks.write(toFile: jwks, atomically: true, encoding: .utf8)
    let added = try runServerCommand([
      "federation", "add", "--data-dir", data, "--workspace", "acme", "--name", "gha", "--issuer",
      "https://token.actions.githubusercontent.com", "--audience", "modal", "--jwks-file", jwks, "--claim",
      "repository=acme/app", "--claim", "ref=refs/heads/main", "--scopes", "secrets:read", "--ttl", "30m", "--json",
    ])
    #expect(added.status == 0, "\(added.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any])
    #expect(object["name"] as? String == "gha" && object["ttl_seconds"] as? Int == 1800 && object["keys"] as? String == "file")
    #expect((object["claims"] as? [[String: String]])?.map { $0["key"] ?? "" } == ["repository", "ref"])
    let listed = try runServerCommand(["federation", "list", "--data-dir", data, "--workspace", "acme"])
    #expect(listed.stdout.contains("gha  https://token.actions.githubusercontent.com  aud=modal  keys=file"))
    #expect(listed.stdout.contains("repository=acme/app ref=refs/heads/main"))
    let both = try runServerCommand([
      "federation", "add", "--data-dir", data, "--workspace", "acme", "--name", "x", "--issuer", "https://i.example",
      "--audience", "a", "--jwks-file", jwks, "--jwks-url", "https://i.example/jwks",
    ])
    #expect(both.status != 0 && both.stderr.contains("not both"), "\(both.stderr)")
    let badTTL = try runServerCommand([
      "federation", "add", "--data-dir", data, "--workspace", "acme", "--name", "x", "--issuer", "https://i.example",
      "--audience", "a", "--ttl", "2d",
    ])
    #expect(badTTL.status != 0 && badTTL.stderr.contains("1m to 12h"), "\(badTTL.stderr)")
    let removed = try runServerCommand(["federation", "remove", "--data-dir", data, "--workspace", "acme", "--name", "gha"])
    #expect(removed.status == 0 && removed.stdout.contains("revoked"), "\(removed.stderr)")
    #expect(try runServerCommand(["federation", "list", "--data-dir", data, "--workspace", "acme"]).stdout.isEmpty)
  }
}
