@testable import ModalServer
import RPC
import Testing

/// `TokenService.rememberedCaller`, the path of a call whose caller is remembered that never
/// suspends: it serves only what `authenticate` would accept without a store call or a write,
/// and leaves everything else (wrong secrets, new addresses, disabled tokens) to `authenticate`.
@Suite struct RememberedCallerTests {
  /// A backend that remembers callers for a minute: with the default second, a test slowed down
  /// by a busy machine would see entries expire between its steps.
  static func backend(_ store: any Store) -> Backend {
    var settings = ServerSettings()
    settings.callerCacheLifetime = .seconds(60)
    return Backend(dependencies: Dependencies(store: store, keys: .random(), settings: settings))
  }

  /// `backend(store)` with a workspace bootstrapped in it, and the owner's token pair and a peer.
  static func bootstrapped(_ store: any Store) async throws -> (
    backend: Backend, booted: AccountService.Bootstrapped, id: String, secret: String, peer: String
  ) {
    let backend = backend(store)
    let booted = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
    return (backend, booted, booted.token.id.rawValue, booted.token.secret, "ipv4:127.0.0.1:50000")
  }

  @Test func onlyARememberedCorrectTokenFromAKnownAddressIsServed() async throws {
    try await StoreFixture.sqlite { store in
      let (backend, booted, id, secret, peer) = try await Self.bootstrapped(store)
      let tokens = backend.tokens

      // Not remembered yet: `authenticate` must run, and then remembers the caller and address.
      #expect(try tokens.rememberedCaller(id: id, secret: secret, peer: peer) == nil)
      let verified = try await tokens.authenticate(id: id, secret: secret, peer: peer)
      let remembered = try #require(try tokens.rememberedCaller(id: id, secret: secret, peer: "ipv4:127.0.0.1:50001"))
      #expect(remembered.token.id == verified.token.id && remembered.workspace.id == verified.workspace.id)
      #expect(remembered.peer == "ipv4:127.0.0.1:50001")

      // The cache checks the secret against the fingerprint it kept of the one that passed.
      let callers = backend.dependencies.callers
      #expect(callers.caller(tokenID: booted.token.id, provenBy: secret) != nil)
      #expect(callers.caller(tokenID: booted.token.id, provenBy: TokenFormat.newSecret()) == nil)

      // Anything else goes the full way, where failures are counted and new addresses recorded.
      #expect(try tokens.rememberedCaller(id: id, secret: TokenFormat.newSecret(), peer: peer) == nil)
      #expect(try tokens.rememberedCaller(id: id, secret: nil, peer: peer) == nil)
      #expect(try tokens.rememberedCaller(id: "ak-short", secret: secret, peer: peer) == nil)
      #expect(try tokens.rememberedCaller(id: id, secret: secret, peer: "ipv4:127.0.0.2:50000") == nil)

      // A disabled token is forgotten at once: never served from memory.
      try await tokens.setDisabled([booted.token.id], disabled: true, by: verified)
      #expect(try tokens.rememberedCaller(id: id, secret: secret, peer: peer) == nil)
      await #expect(throws: ServerError.self) { try await tokens.authenticate(id: id, secret: secret, peer: peer) }
    }
  }

  /// The remembered path does not check shapes (a matching fingerprint means the secret that passed
  /// them): a mistyped or oversized secret of a remembered id is left to the full path, which
  /// names the mistake.
  @Test func malformedSecretsOfARememberedTokenGetTheFullPathsAnswer() async throws {
    try await StoreFixture.sqlite { store in
      let (backend, _, id, secret, peer) = try await Self.bootstrapped(store)
      let tokens = backend.tokens
      _ = try await tokens.authenticate(id: id, secret: secret, peer: peer)
      #expect(try tokens.rememberedCaller(id: id, secret: secret, peer: peer) != nil)

      // One character changed: the checksum no longer matches, and the full path says so.
      let last = secret.last == "A" ? "B" : "A"
      let mistyped = String(secret.dropLast()) + last
      #expect(try tokens.rememberedCaller(id: id, secret: mistyped, peer: peer) == nil)
      let mistypedAnswer = await #expect(throws: ServerError.self) {
        try await tokens.authenticate(id: id, secret: mistyped, peer: peer)
      }
      #expect(mistypedAnswer?.message.contains("malformed") == true)

      // The secret with more after it, and one far too long: never hashed here.
      for long in [secret + "x", secret + String(repeating: "x", count: 6000)] {
        #expect(try tokens.rememberedCaller(id: id, secret: long, peer: peer) == nil)
        await #expect(throws: ServerError.self) { try await tokens.authenticate(id: id, secret: long, peer: peer) }
      }
      #expect(TokenFormat.longestSecret == secret.utf8.count)
      #expect(try tokens.rememberedCaller(id: id, secret: secret, peer: peer) != nil)
    }
  }

  /// The method table's fast path serves a remembered token pair only when the call sends no
  /// OAuth header with a value: a mix takes the full path, which refuses it. Empty headers count
  /// as absent on both paths, as Python leaves them out.
  @Test func aRememberedTokenPairSentWithOAuthHeadersTakesTheFullPath() async throws {
    try await StoreFixture.sqlite { store in
      let (backend, booted, id, secret, peer) = try await Self.bootstrapped(store)
      _ = try await backend.tokens.authenticate(id: id, secret: secret, peer: peer)
      var tokenID: String?
      let pair: Metadata = ["x-modal-token-id": id, "x-modal-token-secret": secret]
      #expect(try MethodTable.rememberedCaller(pair, tokenID: &tokenID, backend: backend, peer: peer)?.caller != nil)
      #expect(tokenID == id)
      for name in ["x-modal-refresh-token", "x-modal-oauth-client-id", "x-modal-oauth-client-secret", "x-modal-oauth-client-assertion"] {
        var mixed = pair
        mixed.add(name, "or-anything")
        var named: String?
        #expect(try MethodTable.rememberedCaller(mixed, tokenID: &named, backend: backend, peer: peer) == nil, "\(name)")
        var empty = pair
        empty.add(name, "")
        #expect(try MethodTable.rememberedCaller(empty, tokenID: &named, backend: backend, peer: peer)?.caller != nil, "\(name)")
        #expect(try await MethodTable.authenticate(metadata: { empty[$0] }, tokenID: &named, backend: backend, peer: peer).token.id == booted.token.id)
      }
      // And the full path refuses the mix.
      let refusal = await #expect(throws: ServerError.self) {
        var named: String?
        _ = try await MethodTable.authenticate(
          metadata: { ["x-modal-token-id": id, "x-modal-token-secret": secret, "x-modal-refresh-token": "or-x"][$0] },
          tokenID: &named, backend: backend, peer: peer)
      }
      #expect(refusal?.message.contains("both a token pair and OAuth credentials") == true)
    }
  }

  /// OAuth headers of a remembered grant are decided without suspending: accepted when every check
  /// of the full path passes, refused (for the full path's counted, delayed answer) when the
  /// refresh token or client secret is wrong, and left to the full path otherwise.
  @Test func aRememberedOAuthGrantIsDecidedWithoutSuspending() async throws {
    try await StoreFixture.sqlite { store in
      let backend = Self.backend(store)
      let booted = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
      let made = try await backend.oauthApps.register(
        .init(name: "Agent", redirectURIs: [], scopes: .all, credential: .secret), in: booted.workspace, by: .serverOperator)
      let (grant, refreshToken) = try await backend.oauthApps.grant(made.app, to: booted.user, scopes: .all, by: .serverOperator)
      let clientSecret = try #require(made.secret)
      let peer = "ipv4:127.0.0.1:50000"
      func headers(_ token: String = refreshToken, secret: String = clientSecret) -> Metadata {
        ["x-modal-refresh-token": token, "x-modal-oauth-client-id": made.app.id.rawValue, "x-modal-oauth-client-secret": secret]
      }
      func check(_ metadata: Metadata, peer: String = peer) throws -> TokenService.RememberedCheck? {
        var named: String?
        return try MethodTable.rememberedCaller(metadata, tokenID: &named, backend: backend, peer: peer)
      }

      // Not remembered yet: the full path runs, then remembers the grant and the address.
      #expect(try check(headers()) == nil)
      var named: String?
      _ = try await MethodTable.authenticate(metadata: { headers()[$0] }, tokenID: &named, backend: backend, peer: peer)
      #expect(named == grant.id.rawValue)
      let remembered = try #require(try check(headers())?.caller)
      #expect(remembered.oauth?.grant.id == grant.id && remembered.token.id.rawValue == grant.id.rawValue)
      // A grant is remembered with no token secret: a token pair naming it is never served from memory.
      #expect(backend.dependencies.callers.caller(tokenID: remembered.token.id, provenBy: refreshToken) == nil)
      #expect(try backend.tokens.rememberedCaller(id: grant.id.rawValue, secret: refreshToken, peer: peer) == nil)

      // A wrong secret or refresh token of the remembered grant is refused here, with no second check.
      let wrongSecret = "ov-" + String(repeating: "a", count: 30)
      #expect(try check(headers(secret: wrongSecret))?.refusedGrant == grant.id)
      let forged = OAuthFormat.newRefreshToken(for: grant.id)
      #expect(try check(headers(forged))?.refusedGrant == grant.id)
      // The immediate answer (`authenticatedAtOnce`) decides client secrets the same way, and
      // leaves client assertions undecided without checking them, so the full path checks an
      // assertion's signature once: here one sent instead of the secret, which a check refuses.
      func checkAtOnce(_ metadata: Metadata) throws -> TokenService.RememberedCheck? {
        var named: String?
        return try MethodTable.rememberedCaller(metadata, tokenID: &named, backend: backend, peer: peer, checkingAssertions: false)
      }
      #expect(try checkAtOnce(headers())?.caller?.oauth?.grant.id == grant.id)
      #expect(try checkAtOnce(headers(secret: wrongSecret))?.refusedGrant == grant.id)
      var asserting: Metadata = ["x-modal-refresh-token": refreshToken, "x-modal-oauth-client-id": made.app.id.rawValue]
      asserting.add("x-modal-oauth-client-assertion", "a.b.c")
      #expect(try check(asserting)?.refusedGrant == grant.id)
      #expect(try checkAtOnce(asserting) == nil)
      let answer = await backend.tokens.failedOAuthCheck(grant: grant.id, peer: peer)
      #expect(answer.message == TokenService.invalidOAuthMessage)

      // A new address, a token pair beside the headers, or headers that are incomplete: the full path.
      #expect(try check(headers(), peer: "ipv4:127.0.0.2:50000") == nil)
      var mixed = headers()
      mixed.add("x-modal-token-id", booted.token.id.rawValue)
      #expect(try check(mixed) == nil)
      #expect(try check(["x-modal-refresh-token": refreshToken, "x-modal-oauth-client-id": made.app.id.rawValue]) == nil)

      // A revoked grant is forgotten at once, and the full path says it was revoked.
      try await backend.oauthApps.revokeGrant(grant.id, in: booted.workspace, of: nil, by: .serverOperator)
      #expect(try check(headers()) == nil)
      let revoked = await #expect(throws: ServerError.self) {
        var named: String?
        _ = try await MethodTable.authenticate(metadata: { headers()[$0] }, tokenID: &named, backend: backend, peer: peer)
      }
      #expect(revoked?.message.contains("revoked") == true)
    }
  }
}

extension TokenService.RememberedCheck {
  /// The caller, when the check accepted the call.
  fileprivate var caller: Caller? {
    if case .authenticated(let caller) = self { return caller }
    return nil
  }

  /// The grant, when the check refused the call's OAuth credentials.
  fileprivate var refusedGrant: OAuthGrantID? {
    if case .refused(let grant) = self { return grant }
    return nil
  }
}
