import CCrypto
import Foundation
import ModalJOSE
import ModalServer
import Testing
import TestSupport

/// The RFC 8693 exchange in process: every check of the issue with its RFC 6749 error, minted
/// tokens that work, key rotation through a refreshed key set, the audit log.
@Suite(.serialized) struct FederationExchangeTests {
  static let issuer = "https://ci.example.test"

  /// An issuer whose key set the test changes (the stand-in for HTTPS), counting fetches.
  final class FakeIssuer: FederationDocumentFetcher, @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [JSONWebKey]
    private(set) var fetches: [String] = []
    init(_ keys: [JSONWebKey]) { self.keys = keys }
    func rotate(to keys: [JSONWebKey]) { lock.withLock { self.keys = keys } }
    func get(_ url: String) async throws(FederationFetchError) -> [UInt8] {
      lock.withLock {
        fetches.append(url)
        if url.hasSuffix("/.well-known/openid-configuration") {
          return Array(#"{"issuer":"\#(FederationExchangeTests.issuer)","jwks_uri":"https://ci.example.test/keys"}"#.utf8)
        }
        return JSONWebKeySet(keys: keys).jsonObject.serializedBytes
      }
    }
    var fetchCount: Int { lock.withLock { fetches.count } }
  }

  /// A store, a workspace, a policy and the grant behind an endpoint.
  struct World {
    let backend: Backend
    let workspace: Workspace
    let endpoint: OAuthTokenEndpoint
    let clock: ManualClock
    let signer: JWTSigningKey
    let issuer: FakeIssuer
    let policy: FederationPolicy

    init(
      store: any Store, keys: FederationKeySource? = nil, algorithm: JWSAlgorithm = .es256,
      settings: ServerSettings = ServerSettings()
    ) async throws {
      clock = ManualClock()
      backend = Backend(dependencies: Dependencies(store: store, keys: .random(), clock: clock.clock, settings: settings))
      let booted = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
      workspace = booted.workspace
      let owner = try await backend.tokens.authenticate(id: booted.token.id.rawValue, secret: booted.token.secret)
      _ = try await backend.environments.create("prod", for: owner)
      signer = try JWTSigningKey.generate(algorithm)
      issuer = FakeIssuer([signer.publicKey])
      let source = keys ?? .document(JSONWebKeySet(keys: [signer.publicKey]).jsonObject.serialized)
      let terms = FederationPolicy.Terms(
        name: "gha", issuer: FederationExchangeTests.issuer, audience: "modal-acme", keys: source,
        conditions: [ClaimCondition(key: "repository", pattern: "acme/app"), ClaimCondition(key: "ref", pattern: "refs/heads/*")],
        scopes: ScopeSet([.secretsRead, .environmentsRead]), environmentName: "main", lifetimeSeconds: 900)
      policy = try await backend.federation.add(terms, in: workspace, creator: booted.user, by: .serverOperator)
      let cache = FederationKeyCache(fetcher: issuer, clock: clock.clock, refreshSeconds: 30)
      endpoint = OAuthTokenEndpoint(grants: [TokenExchangeGrant(dependencies: backend.dependencies, keys: cache)])
    }

    var now: Int { Int(clock.clock.now().wholeSeconds) }

    /// GitHub-Actions-like claims, valid now, with `changes` applied (`.null` removes a claim).
    func claims(_ changes: [String: JSONValue] = [:]) -> [String: JSONValue] {
      var claims: [String: JSONValue] = [
        "iss": .string(FederationExchangeTests.issuer), "aud": .string("modal-acme"),
        "sub": .string("repo:acme/app:ref:refs/heads/main"), "repository": .string("acme/app"),
        "ref": .string("refs/heads/main"), "exp": .number(Double(now + 300)), "iat": .number(Double(now)),
        "nbf": .number(Double(now)), "jti": .string(UUID().uuidString),
      ]
      for (name, value) in changes { claims[name] = value == .null ? nil : value }
      return claims
    }

    func token(_ changes: [String: JSONValue] = [:], key: JWTSigningKey? = nil) throws -> String {
      let key = key ?? signer
      return try key.sign(header: ["kid": .string(key.publicKey.keyID ?? "")], claims: claims(changes))
    }

    func exchange(_ token: String, extra: [(String, String)] = []) async -> (status: Int, json: [String: Any]) {
      var fields = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
        ("subject_token_type", "urn:ietf:params:oauth:token-type:id_token"), ("subject_token", token),
      ]
      fields += extra
      var allowed = CharacterSet.alphanumerics
      allowed.insert(charactersIn: "-._~")
      let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        .joined(separator: "&")
      let request = HTTPRequest(
        method: "POST", path: "/oauth/token", headers: ["content-type": "application/x-www-form-urlencoded"],
        body: Array(body.utf8), peer: "127.0.0.9")
      let response = await endpoint.answer(request)
      let json = (try? JSONSerialization.jsonObject(with: Data(response?.body ?? [])) as? [String: Any]) ?? [:]
      return (response?.status ?? 0, json)
    }
  }

  static func unsigned(_ header: [String: JSONValue], _ claims: [String: JSONValue], signature: [UInt8] = []) -> String {
    let head = Base64URL.encode(JSONValue.object(header).serializedBytes)
    let body = Base64URL.encode(JSONValue.object(claims).serializedBytes)
    return head + "." + body + "." + Base64URL.encode(signature)
  }

  /// HS256 with the issuer's public key (its JWK text) as the shared secret: the classic confusion attack.
  static func hs256(_ world: World) -> String {
    let head = Base64URL.encode(JSONValue.object(["alg": .string("HS256"), "typ": .string("JWT")]).serializedBytes)
    let body = Base64URL.encode(JSONValue.object(world.claims()).serializedBytes)
    let secret = Array(JSONValue.object(world.signer.publicKey.jsonObject).serialized.utf8)
    let input = Array((head + "." + body).utf8)
    var mac = [UInt8](repeating: 0, count: 32)
    _ = ccrypto_hmac("SHA256", secret, secret.count, input, input.count, &mac, mac.count)
    return head + "." + body + "." + Base64URL.encode(mac)
  }

  private func acceptedAndRefused(_ store: any Store) async throws {
    let world = try await World(store: store)
    let accepted = await world.exchange(try world.token())
    #expect(accepted.status == 200, "\(accepted.json)")
    let json = accepted.json
    let id = try #require(json["token_id"] as? String)
    let secret = try #require(json["token_secret"] as? String)
    #expect(json["access_token"] as? String == "\(id):\(secret)")
    #expect(json["token_type"] as? String == "N_A" && json["expires_in"] as? Int == 900)
    #expect(json["issued_token_type"] as? String == "urn:ietf:params:oauth:token-type:access_token")
    #expect(json["workspace"] as? String == "acme" && json["environment"] as? String == "main")
    let caller = try await world.backend.tokens.authenticate(id: id, secret: secret)
    #expect(caller.token.scopes == ScopeSet([.secretsRead, .environmentsRead]) && caller.token.name == "oidc:gha")
    #expect(caller.token.expiresAt == world.clock.clock.now().adding(seconds: 900))
    // The policy pins its tokens to `main`: secrets there are listed, those of `prod` refused.
    _ = try await world.backend.secrets.list(environmentName: "main", createdBefore: nil, limit: 10, for: caller)
    do {
      _ = try await world.backend.secrets.list(environmentName: "prod", createdBefore: nil, limit: 10, for: caller)
      Issue.record("a token pinned to main listed the secrets of prod")
    } catch {
      #expect(error.code == .permissionDenied && error.message.contains("no-access"), "\(error.message)")
    }
    let origin = try await store.federatedOrigins(tokenIDs: [caller.token.id])[caller.token.id]
    #expect(origin?.policyName == "gha" && origin?.subject == "repo:acme/app:ref:refs/heads/main")

    // A narrower scope is granted, a wider one refused.
    let narrowed = await world.exchange(try world.token(), extra: [("scope", "secrets:read")])
    #expect(narrowed.status == 200 && narrowed.json["scope"] as? String == "secrets:read", "\(narrowed.json)")
    let wider = await world.exchange(try world.token(), extra: [("scope", "secrets:write")])
    #expect(wider.status == 400 && wider.json["error"] as? String == "invalid_scope")

    // Each refusal of the issue, with its error and a description naming the check.
    let replayed = try world.token()
    #expect(await world.exchange(replayed).status == 200)
    let other = try JWTSigningKey.generate(.es256)
    let now = Double(world.now)
    let cases: [(String, String, String, String)] = [
      ("wrong audience", try world.token(["aud": .string("someone-else")]), "invalid_grant", "audience"),
      ("wrong issuer", try world.token(["iss": .string("https://evil.example")]), "invalid_grant", "issuer"),
      ("expired", try world.token(["exp": .number(now - 120)]), "invalid_grant", "expired"),
      ("not yet valid", try world.token(["nbf": .number(now + 600), "exp": .number(now + 900)]), "invalid_grant", "not valid yet"),
      ("alg none", Self.unsigned(["alg": .string("none")], world.claims()), "invalid_grant", "unsigned"),
      ("HS256 with the public key", Self.hs256(world), "invalid_grant", "shared secret"),
      ("unknown kid", try world.token(key: other), "invalid_grant", "kid"),
      ("bad signature", try other.sign(header: ["kid": .string(world.signer.publicKey.keyID ?? "")], claims: world.claims()), "invalid_grant", "signature"),
      ("claim mismatch", try world.token(["repository": .string("evil/app")]), "invalid_grant", "'repository'"),
      ("missing claim", try world.token(["ref": .null]), "invalid_grant", "'ref'"),
      ("replayed jti", replayed, "invalid_grant", "exchanged before"),
      ("no exp", try world.token(["exp": .null]), "invalid_grant", "expiry"),
      ("oversized", String(repeating: "a", count: JSONWebToken.maximumLength + 1), "invalid_request", "16384"),
      ("not a JWT", "not.a-jwt", "invalid_request", "compact"),
    ]
    for (name, token, code, words) in cases {
      let refused = await world.exchange(token)
      let description = refused.json["error_description"] as? String ?? ""
      #expect(refused.status == 400 && refused.json["error"] as? String == code, "\(name): \(refused.json)")
      #expect(description.contains(words), "\(name): \(description)")
      #expect(!description.contains(token.prefix(40)), "\(name): the token is never echoed")
    }
    let badType = await world.exchange(try world.token(), extra: [("subject_token_type", "x")])
    #expect(badType.json["error"] as? String == "invalid_request", "a repeated parameter")

    // Every exchange is in the audit log: accepted ones naming the token, refused ones the reason.
    var query = AuditQuery(workspaceID: nil)
    query.limit = 1000
    let entries = try await store.auditEntries(query).filter { $0.action == .federationExchange }
    #expect(entries.filter { $0.outcome == .success }.count == 3)
    #expect(entries.filter { $0.outcome == .error }.reduce(0) { $0 + Int($1.count) } >= cases.count)
    #expect(entries.contains { $0.outcome == .error && $0.detail["reason"]?.hasPrefix("invalid_grant: The audience") == true })
    #expect(!entries.contains { "\($0)".contains(replayed.suffix(40)) }, "never the token")

    // Removing the policy refuses the next exchange and revokes what it minted.
    try await world.backend.federation.remove("gha", in: world.workspace, by: .serverOperator)
    let removed = await world.exchange(try world.token())
    #expect(removed.json["error"] as? String == "invalid_grant", "\(removed.json)")
    #expect((removed.json["error_description"] as? String)?.contains("No federation policy") == true)
    #expect(try await store.token(id: caller.token.id)?.revokedAt != nil)
  }

  @Test func everyCheckHoldsInSQLite() async throws {
    let folder = TemporaryFolder()
    let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
    try await acceptedAndRefused(store)
    await store.close()
  }

  @Test func everyCheckHoldsInPostgreSQL() async throws {
    let store = try PostgresStore(url: PostgresServer.shared().newDatabase(), listen: false)
    try await acceptedAndRefused(store)
    await store.close()
  }

  @Test func rsaAndEdDSATokensAreAccepted() async throws {
    for algorithm in [JWSAlgorithm.rs256, .edDSA] {
      let folder = TemporaryFolder()
      let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
      let world = try await World(store: store, algorithm: algorithm)
      let answer = await world.exchange(try world.token())
      #expect(answer.status == 200, "\(algorithm): \(answer.json)")
      await store.close()
    }
  }

  @Test func rotatedKeysAreFetchedOnAnUnknownKidAtMostOncePerInterval() async throws {
    let folder = TemporaryFolder()
    let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
    let world = try await World(store: store, keys: .discovery)
    #expect(await world.exchange(try world.token()).status == 200)
    #expect(await world.exchange(try world.token()).status == 200)
    #expect(world.issuer.fetchCount == 2, "discovery and JWKS once, then cached: \(world.issuer.fetches)")
    #expect(world.issuer.fetches == ["https://ci.example.test/.well-known/openid-configuration", "https://ci.example.test/keys"])

    // The issuer rotates: a token signed by the new key works after one refresh, without a restart
    // (once the last fetch is 30 s old: unknown kids refresh at most that often).
    world.clock.advance(seconds: 31)
    let rotated = try JWTSigningKey.generate(.rs256)
    world.issuer.rotate(to: [world.signer.publicKey, rotated.publicKey])
    let fresh = await world.exchange(try world.token(key: rotated))
    #expect(fresh.status == 200, "\(fresh.json)")
    #expect(world.issuer.fetchCount == 4)
    // Unknown kids right after a refresh do not fetch again (the interval is 30 s).
    let stranger = try JWTSigningKey.generate(.es256)
    for _ in 0..<3 {
      let refused = await world.exchange(try world.token(key: stranger))
      #expect(refused.json["error"] as? String == "invalid_grant")
      #expect((refused.json["error_description"] as? String)?.contains("even after fetching") == true)
    }
    #expect(world.issuer.fetchCount == 4, "\(world.issuer.fetches)")
    await store.close()
  }
}
