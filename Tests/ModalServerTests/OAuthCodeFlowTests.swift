import Foundation
import ModalJOSE
import ModalServer
import Testing
import TestSupport

/// The authorization code flow with PKCE, in process: codes (single use, one minute, bound to the
/// client, redirect URI and challenge), the `authorization_code` grant at `POST /oauth/token` with
/// secret (form and HTTP Basic) and assertion client authentication, a reuse revoking the grant,
/// and single use across two replicas of one PostgreSQL database.
@Suite(.serialized) struct OAuthCodeFlowTests {
  static let redirect = "http://127.0.0.1:8765/callback"

  /// A backend over `store` with an owner in `acme`, a secret app and a public-key app.
  struct World {
    let backend: Backend
    let clock: ManualClock
    let owner: User
    let workspace: Workspace
    let app: OAuthAppRecord
    let secret: String
    let keyApp: OAuthAppRecord
    let key: JWTSigningKey

    init(store: any Store, clock: ManualClock = ManualClock(), keys: ServerKeys = .random(), bootstrap: Bool = true)
      async throws
    {
      self.clock = clock
      backend = Backend(dependencies: Dependencies(store: store, keys: keys, clock: clock.clock))
      let booted = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
      (owner, workspace) = (booted.user, booted.workspace)
      let made = try await backend.oauthApps.register(
        .init(name: "Editor", redirectURIs: [OAuthCodeFlowTests.redirect], scopes: ScopeSet(parsing: "read,secrets:write"),
          credential: .secret),
        in: workspace, by: .serverOperator)
      (app, secret) = (made.app, try #require(made.secret))
      key = try JWTSigningKey.generate(.rs256)
      let jwk = OAuthClientKey.storedText(try OAuthClientKey.parse(JSONValue.object(key.publicKey.jsonObject).serialized))
      keyApp = try await backend.oauthApps.register(
        .init(name: "CI", redirectURIs: [OAuthCodeFlowTests.redirect], scopes: .all, credential: .publicKey(jwk: jwk)),
        in: workspace, by: .serverOperator
      ).app
    }

    /// A code for `app` with the challenge of `verifier`, as the consent page issues it.
    func code(for app: OAuthAppRecord? = nil, verifier: String = OAuthCodeFlowTests.verifier) async throws -> String {
      try await backend.oauthCodes.issue(
        .init(
          app: app ?? self.app, user: owner, scopes: ScopeSet([.read]), redirectURI: OAuthCodeFlowTests.redirect,
          codeChallenge: OAuthCodeService.challenge(of: verifier), peer: "ipv4:127.0.0.1:4000"))
    }

    /// `POST /oauth/token` with `fields` (form-encoded) and an optional `Authorization` header.
    func token(_ fields: [(String, String)], authorization: String? = nil) async throws -> (Int, [String: Any]) {
      var allowed = CharacterSet.alphanumerics
      allowed.insert(charactersIn: "-._~")
      let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        .joined(separator: "&")
      var headers = ["content-type": "application/x-www-form-urlencoded"]
      headers["authorization"] = authorization
      let response = await OAuthTokenEndpoint(backend: backend).answer(
        HTTPRequest(method: "POST", path: "/oauth/token", headers: headers, body: Array(body.utf8), peer: "127.0.0.9"))
      return (try #require(response).status, try OAuthTokenEndpointTests.json(response))
    }

    /// The fields of a code exchange authenticated by the secret in the form.
    func exchange(_ code: String, verifier: String = OAuthCodeFlowTests.verifier, redirect: String = OAuthCodeFlowTests.redirect)
      -> [(String, String)]
    {
      [
        ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect), ("code_verifier", verifier),
        ("client_id", app.id.rawValue), ("client_secret", secret),
      ]
    }

    /// An assertion for the key app, as Python's `modal/_utils/oauth.py` mints it.
    func assertion(signedBy signer: JWTSigningKey? = nil) throws -> String {
      let now = Double(clock.now.wholeSeconds)
      let claims: [String: JSONValue] = [
        "iss": .string(keyApp.id.rawValue), "sub": .string(keyApp.id.rawValue), "aud": .string("modal-server"),
        "iat": .number(now), "exp": .number(now + 300), "jti": .string(UUID().uuidString.lowercased()),
      ]
      let signer = signer ?? key
      return try signer.sign(header: ["kid": .string(signer.publicKey.thumbprint)], claims: claims)
    }

    func authenticate(_ refreshToken: String, app: OAuthAppRecord? = nil) async throws -> Caller {
      let headers = OAuthCallHeaders(refreshToken: refreshToken, clientID: (app ?? self.app).id.rawValue, clientSecret: secret)
      return try await backend.tokens.authenticate(oauth: headers, tokenPairSent: false)
    }
  }

  static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

  /// RFC 7636 appendix B: the S256 challenge of its example verifier.
  @Test func theChallengeIsRFC7636s() {
    #expect(OAuthCodeService.challenge(of: Self.verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    #expect(OAuthCodeService.isWellFormedChallenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
    #expect(!OAuthCodeService.isWellFormedChallenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"))
  }

  /// A code passes once for a refresh token that authenticates calls as the consenting user; its
  /// reuse is refused and revokes that grant; the audit log has both.
  private func exchangesOnce(_ store: any Store) async throws {
    let world = try await World(store: store)
    let code = try await world.code()
    #expect(code.hasPrefix("oa-") && code.count == 55)
    let (status, reply) = try await world.token(world.exchange(code))
    #expect(status == 200, "\(reply)")
    let refreshToken = try #require(reply["refresh_token"] as? String)
    #expect(refreshToken.hasPrefix("or-") && reply["access_token"] as? String == refreshToken)
    #expect(reply["token_type"] as? String == "Bearer" && reply["scope"] as? String == "read" && reply["expires_in"] == nil)
    let caller = try await world.authenticate(refreshToken)
    #expect(caller.oauth?.grant.userID == world.owner.id && caller.oauth?.grant.scopes == ScopeSet([.read]))

    let (again, refusal) = try await world.token(world.exchange(code))
    #expect(again == 400 && refusal["error"] as? String == "invalid_grant")
    #expect((refusal["error_description"] as? String)?.contains("already used") == true)
    let revoked = await serverError { try await world.authenticate(refreshToken) }
    #expect(revoked?.message.contains("was revoked at") == true, "a reused code revokes the grant it gave")

    var query = AuditQuery(workspaceID: world.workspace.id)
    query.actions = ["oauth_grant.created", "oauth_grant.revoked"]
    let entries = try await store.auditEntries(query)
    let created = entries.first { $0.action == .oauthGrantCreated }
    #expect(created?.actor.id == world.owner.id.rawValue && created?.actor.source == "web")
    let reuse = entries.first { $0.action == .oauthGrantRevoked }
    #expect(reuse?.detail["reason"]?.contains("used again") == true && reuse?.actor.source == "oauth")
  }

  @Test func aCodeExchangesOnceInSQLite() async throws {
    let folder = TemporaryFolder()
    let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
    try await exchangesOnce(store)
    await store.close()
  }

  @Test func aCodeExchangesOnceInPostgreSQL() async throws {
    let store = try PostgresStore(url: PostgresServer.shared().newDatabase(), listen: false)
    try await exchangesOnce(store)
    await store.close()
  }

  /// Expired, another verifier, another redirect URI, another client, a malformed code: each an
  /// `invalid_grant` saying which, and none uses the code up.
  @Test func codesAreBoundToTheirClientRedirectVerifierAndMinute() async throws {
    let folder = TemporaryFolder()
    let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
    defer { Task { await store.close() } }
    let world = try await World(store: store)
    let code = try await world.code()
    let other = String(repeating: "x", count: 43)
    let cases: [([(String, String)], String)] = [
      (world.exchange(code, verifier: other), "does not match the code_challenge"),
      (world.exchange(code, verifier: "short"), "43 to 128 characters"),
      (world.exchange(code, redirect: "http://127.0.0.1:8765/other"), "redirect_uri differs"),
      (world.exchange("oa-" + String(repeating: "A", count: 52)), "unknown"),
      (world.exchange("not-a-code"), "unknown"),
    ]
    for (fields, words) in cases {
      let (status, reply) = try await world.token(fields)
      #expect(status == 400 && reply["error"] as? String == "invalid_grant", "\(words)")
      #expect((reply["error_description"] as? String)?.contains(words) == true, "\(reply)")
    }
    // The key app presenting the secret app's code: not its code.
    let (status, reply) = try await world.token([
      ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect), ("code_verifier", Self.verifier),
      ("client_assertion_type", OAuthClientAuthentication.assertionType), ("client_assertion", try world.assertion()),
    ])
    #expect(status == 400 && (reply["error_description"] as? String)?.contains("not issued to this client") == true)
    #expect(try await world.token(world.exchange(code)).0 == 200, "the refusals did not use the code up")

    let late = try await world.code()
    world.clock.advance(seconds: 61)
    let (expired, expiry) = try await world.token(world.exchange(late))
    #expect(expired == 400 && (expiry["error_description"] as? String)?.contains("expired") == true)
  }

  /// Client authentication: form secret, HTTP Basic, assertion; a wrong secret, an unknown
  /// client, a foreign key's assertion and two methods at once are refused.
  @Test func clientsAuthenticateBySecretOrAssertion() async throws {
    let folder = TemporaryFolder()
    let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
    defer { Task { await store.close() } }
    let world = try await World(store: store)
    let base: [(String, String)] = [("grant_type", "authorization_code"), ("redirect_uri", Self.redirect), ("code_verifier", Self.verifier)]

    let basic = "Basic " + Data("\(world.app.id.rawValue):\(world.secret)".utf8).base64EncodedString()
    let (basicStatus, _) = try await world.token(base + [("code", try await world.code())], authorization: basic)
    #expect(basicStatus == 200)

    let keyCode = try await world.code(for: world.keyApp)
    let assertionFields = base + [("code", keyCode), ("client_assertion_type", OAuthClientAuthentication.assertionType)]
    let (foreign, foreignReply) = try await world.token(
      assertionFields + [("client_assertion", try world.assertion(signedBy: try JWTSigningKey.generate(.rs256)))])
    #expect(foreign == 401 && foreignReply["error"] as? String == "invalid_client")
    let assertion = try world.assertion()
    let (signed, signedReply) = try await world.token(assertionFields + [("client_assertion", assertion)])
    #expect(signed == 200, "\(signedReply)")
    let refreshToken = try #require(signedReply["refresh_token"] as? String)
    let headers = OAuthCallHeaders(refreshToken: refreshToken, clientID: world.keyApp.id.rawValue, assertion: try world.assertion())
    #expect(try await world.backend.tokens.authenticate(oauth: headers, tokenPairSent: false).oauth?.app.id == world.keyApp.id)
    let (replayed, replayReply) = try await world.token(assertionFields + [("client_assertion", assertion)])
    #expect(replayed == 401 && (replayReply["error_description"] as? String)?.contains("already used") == true)

    let code = try await world.code()
    let refusals: [([(String, String)], String?, Int, String)] = [
      (base + [("code", code), ("client_id", world.app.id.rawValue), ("client_secret", "ov-" + String(repeating: "a", count: 30))], nil, 401, "invalid_client"),
      (base + [("code", code), ("client_id", "oc-" + String(repeating: "a", count: 22)), ("client_secret", world.secret)], nil, 401, "invalid_client"),
      (base + [("code", code)], nil, 401, "invalid_client"),
      (base + [("code", code), ("client_id", world.app.id.rawValue), ("client_secret", world.secret)], basic, 400, "invalid_request"),
      (base + [("code", code), ("client_id", world.keyApp.id.rawValue), ("client_secret", world.secret)], nil, 401, "invalid_client"),
      (base + [("client_id", world.app.id.rawValue), ("client_secret", world.secret)], nil, 400, "invalid_request"),
    ]
    for (fields, authorization, status, error) in refusals {
      let (got, reply) = try await world.token(fields, authorization: authorization)
      #expect(got == status && reply["error"] as? String == error, "\(reply)")
    }
    #expect(try await world.token(world.exchange(code)).0 == 200, "refused clients did not use the code up")
  }

  /// Two replicas over one PostgreSQL database redeem the same code at once: exactly one wins.
  @Test func aCodeIsSingleUseAcrossReplicas() async throws {
    let url = try PostgresServer.shared().newDatabase()
    let first = try PostgresStore(url: url, poolSize: 2, listen: false)
    let second = try PostgresStore(url: url, poolSize: 2, listen: false)
    let keys = ServerKeys.random()
    let world = try await World(store: first, keys: keys)
    let replica = Backend(dependencies: Dependencies(store: second, keys: keys, clock: world.clock.clock))
    for _ in 0..<5 {
      let code = try await world.code()
      let fields = world.exchange(code)
      async let one = world.token(fields)
      async let two = Self.token(fields, at: replica)
      let statuses = [try await one.0, try await two.0].sorted()
      #expect(statuses == [200, 400], "one replica exchanges the code, the other refuses it")
    }
    await first.close()
    await second.close()
  }

  private static func token(_ fields: [(String, String)], at backend: Backend) async throws -> (Int, [String: Any]) {
    let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
      .joined(separator: "&")
    let response = await OAuthTokenEndpoint(backend: backend).answer(
      HTTPRequest(
        method: "POST", path: "/oauth/token", headers: ["content-type": "application/x-www-form-urlencoded"],
        body: Array(body.utf8)))
    return (try #require(response).status, try OAuthTokenEndpointTests.json(response))
  }
}
