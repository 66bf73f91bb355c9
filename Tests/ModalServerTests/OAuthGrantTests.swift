import Foundation
import ModalAPI
import ModalJOSE
import ModalServer
import ProtoWire
import RPC
import Testing
import TestSupport

/// OAuth apps and grants: the store and service over both databases, gRPC authentication with
/// Python's OAuth headers (client-secret path), refusals, revocation on every replica, the audit log.
@Suite(.serialized) struct OAuthGrantTests {
  /// A backend over `store` with a bootstrapped owner in workspace `acme` and an app with a secret.
  private struct World {
    let backend: Backend
    let owner: User
    let workspace: Workspace
    let app: OAuthAppRecord
    let clientSecret: String

    init(store: any Store, keys: ServerKeys = .random(), appScopes: ScopeSet = .all) async throws {
      backend = Backend(dependencies: Dependencies(store: store, keys: keys))
      let booted = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
      (owner, workspace) = (booted.user, booted.workspace)
      let registration = OAuthAppService.Registration(
        name: "Editor plug-in", redirectURIs: ["http://127.0.0.1:8765/callback"], scopes: appScopes, credential: .secret)
      let made = try await backend.oauthApps.register(registration, in: workspace, by: .serverOperator)
      app = made.app
      clientSecret = try #require(made.secret)
    }

    func headers(_ refreshToken: String, secret: String? = nil, clientID: String? = nil) -> OAuthCallHeaders {
      OAuthCallHeaders(refreshToken: refreshToken, clientID: clientID ?? app.id.rawValue, clientSecret: secret ?? clientSecret)
    }

    func authenticate(_ headers: OAuthCallHeaders, tokenPairSent: Bool = false) async throws -> Caller {
      try await backend.tokens.authenticate(oauth: headers, tokenPairSent: tokenPairSent, peer: "ipv4:127.0.0.1:5000")
    }
  }

  /// The life of an app and a grant, as every store must keep it.
  private func lifecycle(_ store: any Store) async throws {
    let world = try await World(store: store, appScopes: ScopeSet(parsing: "read,secrets:write"))
    let service = world.backend.oauthApps
    #expect(world.app.id.rawValue.hasPrefix("oc-") && OAuthFormat.isWellFormedClientID(world.app.id.rawValue))
    #expect(world.clientSecret.hasPrefix("ov-") && world.clientSecret.count == 33)
    guard case .secret(let hash, _, let hint) = try await store.oauthApp(id: world.app.id)?.authentication else {
      Issue.record("the app should authenticate with a secret")
      return
    }
    #expect(hash != world.clientSecret && world.clientSecret.hasSuffix(hint), "only a keyed hash is stored")
    #expect(try await service.apps(in: world.workspace) == [world.app])

    let tooWide = await serverError { try await service.grant(world.app, to: world.owner, scopes: .all, by: .serverOperator) }
    #expect(tooWide?.code == .invalidArgument && tooWide?.message.contains("'all'") == true)
    let (grant, refreshToken) = try await service.grant(world.app, to: world.owner, scopes: ScopeSet([.read]), by: .serverOperator)
    #expect(refreshToken.hasPrefix("or-") && OAuthFormat.grantID(of: refreshToken) == grant.id)
    #expect(try await store.oauthGrant(id: grant.id)?.refreshHash != refreshToken)

    // The call acts as the consenting user in the app's workspace, with the grant's scopes only.
    let caller = try await world.authenticate(world.headers(refreshToken))
    #expect(caller.workspace.id == world.workspace.id && caller.oauth?.grant.id == grant.id)
    guard case .user(let user) = caller.identity else { throw ServerError(.internal, "not a user") }
    #expect(user.id == world.owner.id && caller.token.name == "OAuth: Editor plug-in")
    try caller.require(.secretsRead, role: .member, for: "SecretList")
    let denied = await serverError { try caller.require(.secretsWrite, role: .member, for: "SecretGetOrCreate") }
    #expect(denied?.code == .permissionDenied)
    #expect(caller.auditActor.source == "oauth")

    // Revoked: its own text; deleting the app ends the rest.
    try await service.revokeGrant(grant.id, in: world.workspace, of: world.owner.id, by: .serverOperator)
    let revoked = await serverError { try await world.authenticate(world.headers(refreshToken)) }
    #expect(revoked?.code == .unauthenticated && revoked?.message.contains("was revoked at") == true)
    let (second, secondToken) = try await service.grant(world.app, to: world.owner, scopes: ScopeSet([.read]), by: .serverOperator)
    _ = try await world.authenticate(world.headers(secondToken))
    try await service.delete(world.app.id, in: world.workspace, by: .serverOperator)
    let deleted = await serverError { try await world.authenticate(world.headers(secondToken)) }
    #expect(deleted?.message == TokenService.invalidOAuthMessage)
    #expect(try await store.oauthGrant(id: second.id) == nil)
    #expect(try await service.apps(in: world.workspace).isEmpty)

    var query = AuditQuery(workspaceID: world.workspace.id)
    query.actions = ["oauth_app.*", "oauth_grant.*"]
    query.oldestFirst = true
    #expect(try await store.auditEntries(query).map(\.action.rawValue) == [
      "oauth_app.created", "oauth_grant.created", "oauth_grant.used", "oauth_grant.revoked", "oauth_grant.created",
      "oauth_grant.used", "oauth_app.deleted",
    ])
  }

  @Test func theLifecycleHoldsInSQLite() async throws { try await StoreFixture.sqlite(lifecycle) }

  @Test func theLifecycleHoldsInPostgreSQL() async throws { try await StoreFixture.postgres(lifecycle) }

  /// An unknown or malformed refresh token, another client id (also one of another workspace) and a
  /// wrong secret get one answer; a mix with a token pair and incomplete headers get their own.
  @Test func refusalsDoNotSayWhichPartWasWrong() async throws {
    try await StoreFixture.sqlite { store in
      let world = try await World(store: store)
      let (grant, refreshToken) = try await world.backend.oauthApps.grant(world.app, to: world.owner, scopes: .all, by: .serverOperator)
      let other = try await world.backend.accounts.bootstrap(email: "other@example.com", workspaceName: "other", password: nil)
      let foreign = try await world.backend.oauthApps.register(
        .init(name: "Theirs", redirectURIs: [], scopes: .all, credential: .secret), in: other.workspace, by: .serverOperator)
      let unknown = "or-" + grant.id.rawValue.dropFirst(3) + String(repeating: "x", count: 30)
      let unknownGrant = "or-" + String(repeating: "Q", count: 52)
      let same: [OAuthCallHeaders] = [
        world.headers(refreshToken, secret: "ov-" + String(repeating: "A", count: 30)),
        world.headers(unknown), world.headers(unknownGrant), world.headers("or-short"), world.headers("as-" + refreshToken.dropFirst(3)),
        world.headers(refreshToken, secret: foreign.secret, clientID: foreign.app.id.rawValue),
        world.headers(refreshToken, clientID: "oc-" + String(repeating: "Z", count: 22)),
      ]
      for headers in same {
        let error = await serverError { try await world.authenticate(headers) }
        #expect(error?.code == .unauthenticated && error?.message == TokenService.invalidOAuthMessage)
        #expect(error?.message.contains(refreshToken) == false && error?.message.contains(world.clientSecret) == false)
      }
      let mixed = await serverError { try await world.authenticate(world.headers(refreshToken), tokenPairSent: true) }
      #expect(mixed?.message.contains("both a token pair and OAuth credentials") == true)
      var both = world.headers(refreshToken)
      both.assertion = "a.b.c"
      let incomplete = await serverError { try await world.authenticate(both) }
      #expect(incomplete?.message.hasPrefix("OAuth credentials incomplete") == true)
      _ = try await world.authenticate(world.headers(refreshToken))
    }
  }

  @Test func registrationChecksNamesAndRedirectURIs() async throws {
    try await StoreFixture.sqlite { store in
      let world = try await World(store: store)
      for uri in ["ftp://example.com/cb", "http://example.com/cb", "https://example.com/cb#frag", "/relative", "https://"] {
        let error = await serverError {
          try await world.backend.oauthApps.register(
            .init(name: "x", redirectURIs: [uri], scopes: .all, credential: .secret), in: world.workspace, by: .serverOperator)
        }
        #expect(error?.code == .invalidArgument && error?.message.contains("Redirect URI") == true, "\(uri)")
      }
      let unnamed = await serverError {
        try await world.backend.oauthApps.register(
          .init(name: "  ", redirectURIs: [], scopes: .all, credential: .secret), in: world.workspace, by: .serverOperator)
      }
      #expect(unnamed?.code == .invalidArgument)
      let stranger = try await world.backend.accounts.createUser(email: "stranger@example.com", password: nil)
      let notMember = await serverError { try await world.backend.oauthApps.grant(world.app, to: stranger, scopes: .all, by: .serverOperator) }
      #expect(notMember?.code == .failedPrecondition)
    }
  }

  /// Two replicas over one PostgreSQL database, each remembering callers: a grant revoked, or an
  /// app deleted, on one is refused on the other at the next call.
  @Test func revocationStopsCallsOnEveryReplica() async throws {
    let url = try PostgresServer.shared().newDatabase()
    let keys = ServerKeys.random()
    let first = try PostgresStore(url: url, poolSize: 2)
    let second = try PostgresStore(url: url, poolSize: 2)
    let world = try await World(store: first, keys: keys)
    var settings = ServerSettings()
    settings.callerCacheLifetime = .seconds(600)
    let replica = Backend(dependencies: Dependencies(store: second, keys: keys, settings: settings))
    let service = world.backend.oauthApps
    let (grant, refreshToken) = try await service.grant(world.app, to: world.owner, scopes: .all, by: .serverOperator)
    let (_, otherToken) = try await service.grant(world.app, to: world.owner, scopes: .all, by: .serverOperator)
    func check(_ token: String) async throws(ServerError) -> Caller {
      try await replica.tokens.authenticate(oauth: world.headers(token), tokenPairSent: false)
    }
    _ = try await check(refreshToken)
    _ = try await check(otherToken)
    try await service.revokeGrant(grant.id, in: world.workspace, of: nil, by: .serverOperator)
    try await eventually { await refusal { try await check(refreshToken) }?.message.contains("revoked") == true }
    _ = try await check(otherToken)
    try await service.delete(world.app.id, in: world.workspace, by: .serverOperator)
    try await eventually { await refusal { try await check(otherToken) }?.message == TokenService.invalidOAuthMessage }
    await first.close()
    await second.close()
  }

  /// The error `body` throws, or nil when it succeeds (not yet refused).
  private func refusal(_ body: () async throws -> Caller) async -> ServerError? {
    do {
      _ = try await body()
      return nil
    } catch {
      return error as? ServerError
    }
  }

  /// Waits up to 5 seconds for `condition` (a change notice crosses the database asynchronously).
  private func eventually(_ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while !(await condition()) {
      guard ContinuousClock.now < deadline else {
        Issue.record("the other replica did not see the change within 5 seconds")
        return
      }
      try await Task.sleep(for: .milliseconds(50))
    }
  }

  // MARK: The wire

  /// Python's headers over gRPC: the grant's identity in TokenInfoGet, its scopes enforced,
  /// a revoked grant refused with its own text, the log line naming the grant.
  @Test func pythonHeadersAuthenticateCalls() async throws {
    try await withHarness { harness in
      let service = harness.backend.oauthApps
      let (app, secret) = try await service.register(
        .init(name: "Agent", redirectURIs: [], scopes: ScopeSet([.read]), credential: .secret), in: harness.workspace,
        by: .serverOperator)
      let (grant, refreshToken) = try await service.grant(app, to: harness.ownerUser, scopes: ScopeSet([.read]), by: .serverOperator)
      let clientSecret = try #require(secret)
      let metadata: Metadata = [
        "x-modal-refresh-token": refreshToken, "x-modal-oauth-client-id": app.id.rawValue,
        "x-modal-oauth-client-secret": clientSecret,
      ]
      func call<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: MethodDescriptor<Request, Response>, _ request: Request, _ metadata: Metadata
      ) async throws -> Response {
        let response = try await harness.channel.unary(
          path: method.path, request: request.serializedBytes(), metadata: metadata, timeout: .seconds(20))
        return try Response(serializedBytes: response.message)
      }
      let info = try await call(ModalClientMethods.tokenInfoGet, TokenInfoGetRequest(), metadata)
      #expect(info.tokenID == grant.id.rawValue && info.tokenName == "OAuth: Agent" && info.workspaceName == "acme")
      _ = try await call(ModalClientMethods.secretList, SecretListRequest(), metadata)
      _ = try await call(ModalClientMethods.environmentList, Empty(), metadata)
      var create = SecretGetOrCreateRequest(deploymentName: "x", objectCreationType: .createFailIfExists)
      create.envDict = ["A": "1"]
      let denied = await rpcError { try await call(ModalClientMethods.secretGetOrCreate, create, metadata) }
      #expect(denied?.code == .permissionDenied)
      var mixed = metadata
      mixed.add("x-modal-token-id", harness.owner.id)
      mixed.add("x-modal-token-secret", harness.owner.secret)
      let mix = await rpcError { try await call(ModalClientMethods.clientHello, Empty(), mixed) }
      #expect(mix?.code == .unauthenticated)
      try await service.revokeGrant(grant.id, in: harness.workspace, of: nil, by: .serverOperator)
      let revoked = await rpcError { try await call(ModalClientMethods.clientHello, Empty(), metadata) }
      #expect(revoked?.code == .unauthenticated && revoked?.message.contains("was revoked at") == true)
      let lines = await harness.log.lines { $0.contains { $0.contains(grant.id.rawValue) } }
      #expect(lines.contains { $0.contains(grant.id.rawValue) })
      #expect(!lines.contains { $0.contains(refreshToken) || $0.contains(clientSecret) })
    }
  }

  @Test func theCommandLineRegistersGrantsAndRevokes() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data"
    let boot = try runServerCommand(["bootstrap", "--data-dir", data, "--email", "ann@example.com", "--workspace", "ann"])
    #expect(boot.status == 0, "\(boot.stderr)")
    let base = ["--data-dir", data, "--workspace", "ann"]
    let created = try runServerCommand(
      ["oauth-app", "create"] + base + ["--name", "IDE", "--redirect-uris", "http://127.0.0.1:9/cb", "--scopes", "read", "--json"])
    #expect(created.status == 0, "\(created.stderr)")
    let app = try #require(JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
    let clientID = try #require(app["client_id"] as? String)
    #expect((app["client_secret"] as? String)?.hasPrefix("ov-") == true)
    let wide = try runServerCommand(["oauth-app", "grant"] + base + ["--email", "ann@example.com", clientID])
    #expect(wide.status != 0 && wide.stderr.contains("may not ask for the scope 'all'"))
    let granted = try runServerCommand(
      ["oauth-app", "grant"] + base + ["--email", "ann@example.com", "--scopes", "read", "--json", clientID])
    #expect(granted.status == 0, "\(granted.stderr)")
    let grant = try #require(JSONSerialization.jsonObject(with: Data(granted.stdout.utf8)) as? [String: Any])
    let grantID = try #require(grant["grant_id"] as? String)
    #expect((grant["refresh_token"] as? String)?.hasPrefix("or-") == true)
    let listed = try runServerCommand(["oauth-app", "list"] + base)
    #expect(listed.stdout.contains(clientID) && listed.stdout.contains("1 active grant(s)"))
    #expect(try runServerCommand(["oauth-app", "revoke-grant"] + base + [grantID]).status == 0)
    #expect(try runServerCommand(["oauth-app", "list"] + base).stdout.contains("0 active grant(s)"))
    #expect(try runServerCommand(["oauth-app", "delete"] + base + [clientID]).status == 0)
    let gone = try runServerCommand(["oauth-app", "delete"] + base + [clientID])
    #expect(gone.status != 0 && gone.stderr.contains("No OAuth app"))
  }
}

/// `private_key_jwt` apps: assertions as Python mints them pass once; another key, another
/// audience or issuer, an expired, long-lived or replayed assertion is refused.
@Suite struct OAuthAssertionTests {
  private struct World {
    let backend: Backend
    let clock: ManualClock
    let app: OAuthAppRecord
    let key: JWTSigningKey
    let refreshToken: String
    let store: SQLiteStore
    let folder = TemporaryFolder()

    init() async throws {
      store = try SQLiteStore(path: folder.path + "/db.sqlite3")
      clock = ManualClock()
      backend = Backend(dependencies: Dependencies(store: store, keys: .random(), clock: clock.clock))
      let booted = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
      key = try JWTSigningKey.generate(.rs256)
      let jwk = OAuthClientKey.storedText(try OAuthClientKey.parse(key.publicKey.jsonObject.serializedForTest))
      let made = try await backend.oauthApps.register(
        .init(name: "CI", redirectURIs: [], scopes: .all, credential: .publicKey(jwk: jwk)), in: booted.workspace,
        by: .serverOperator)
      #expect(made.secret == nil)
      app = made.app
      refreshToken = try await backend.oauthApps.grant(app, to: booted.user, scopes: .all, by: .serverOperator).refreshToken
    }

    /// An assertion as `modal/_utils/oauth.py` mints it, with `changes` applied to its claims.
    func assertion(signedBy signer: JWTSigningKey? = nil, _ changes: [String: JSONValue] = [:]) throws -> String {
      let now = Double(clock.now.wholeSeconds)
      var claims: [String: JSONValue] = [
        "iss": .string(app.id.rawValue), "sub": .string(app.id.rawValue), "aud": .string("modal-server"),
        "iat": .number(now), "exp": .number(now + 300), "jti": .string(UUID().uuidString.lowercased()),
      ]
      claims.merge(changes) { _, new in new }
      let signer = signer ?? key
      return try signer.sign(header: ["kid": .string(signer.publicKey.thumbprint)], claims: claims)
    }

    func authenticate(_ assertion: String?, secret: String? = nil) async throws -> Caller {
      let headers = OAuthCallHeaders(
        refreshToken: refreshToken, clientID: app.id.rawValue, clientSecret: secret, assertion: assertion)
      return try await backend.tokens.authenticate(oauth: headers, tokenPairSent: false)
    }
  }

  @Test func assertionsPassOnceAndRefusalsSayWhy() async throws {
    let world = try await World()
    let good = try world.assertion()
    #expect(try await world.authenticate(good).oauth?.app.id == world.app.id)
    _ = try await world.authenticate(try world.assertion())
    let replayed = await serverError { try await world.authenticate(good) }
    #expect(replayed?.message.contains("already used") == true)

    let generic: [String] = [
      try world.assertion(signedBy: try JWTSigningKey.generate(.rs256)),
      try world.assertion(signedBy: try JWTSigningKey.generate(.es256)),
      "eyJhbGciOiJub25lIn0." + "e30.", "not a token",
    ]
    for assertion in generic {
      let error = await serverError { try await world.authenticate(assertion) }
      #expect(error?.message == TokenService.invalidOAuthMessage)
    }
    let secretInstead = await serverError { try await world.authenticate(nil, secret: "ov-" + String(repeating: "a", count: 30)) }
    #expect(secretInstead?.message == TokenService.invalidOAuthMessage)

    let now = Double(world.clock.now.wholeSeconds)
    let expired = await serverError { try await world.authenticate(try world.assertion(["iat": .number(now - 400), "exp": .number(now - 100)])) }
    #expect(expired?.message.contains("has expired") == true)
    let specific: [([String: JSONValue], String)] = [
      (["aud": .string("someone-else")], "aud"), (["iss": .string("oc-other")], "iss and sub"),
      (["sub": .string("oc-other")], "iss and sub"), (["exp": .number(now + 86_400)], "at most 600 seconds"),
      (["jti": .string("")], "jti"), (["nbf": .number(now + 3600)], "not valid yet"),
    ]
    for (changes, text) in specific {
      let error = await serverError { try await world.authenticate(try world.assertion(changes)) }
      #expect(error?.message.contains(text) == true, "\(changes): \(error?.message ?? "accepted")")
    }
    // Small skew is allowed.
    _ = try await world.authenticate(try world.assertion(["iat": .number(now + 20)]))
    await world.store.close()
  }

  @Test func onlyRSAPublicKeysRegister() throws {
    let ec = try JWTSigningKey.generate(.es256)
    let error = #expect(throws: ServerError.self) { try OAuthClientKey.parse(ec.publicKey.jsonObject.serializedForTest) }
    #expect(error?.message.contains("RSA") == true)
    #expect(throws: ServerError.self) { try OAuthClientKey.parse("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----") }
    #expect(throws: ServerError.self) { try OAuthClientKey.parse("[1]") }
    let rsa = try JWTSigningKey.generate(.rs256)
    #expect(try OAuthClientKey.parse(rsa.publicKey.jsonObject.serializedForTest) == rsa.publicKey)
  }
}

extension Dictionary where Key == String, Value == JSONValue {
  /// The object as JSON text.
  fileprivate var serializedForTest: String { JSONValue.object(self).serialized }
}
