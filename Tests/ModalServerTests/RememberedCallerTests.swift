@testable import ModalServer
import RPC
import Testing

/// `TokenService.rememberedCaller`, the path of a call whose caller is remembered that never
/// suspends: it serves only what `authenticate` would accept without a store call or a write,
/// and leaves everything else (wrong secrets, new addresses, disabled tokens) to `authenticate`.
@Suite struct RememberedCallerTests {
  @Test func onlyARememberedCorrectTokenFromAKnownAddressIsServed() async throws {
    try await StoreFixture.sqlite { store in
      let backend = Backend(dependencies: Dependencies(store: store, keys: .random()))
      let booted = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
      let tokens = backend.tokens
      let (id, secret, peer) = (booted.token.id.rawValue, booted.token.secret, "ipv4:127.0.0.1:50000")

      // Not remembered yet: `authenticate` must run, and then remembers the caller and address.
      #expect(try tokens.rememberedCaller(id: id, secret: secret, peer: peer) == nil)
      let verified = try await tokens.authenticate(id: id, secret: secret, peer: peer)
      let remembered = try #require(try tokens.rememberedCaller(id: id, secret: secret, peer: "ipv4:127.0.0.1:50001"))
      #expect(remembered.token.id == verified.token.id && remembered.workspace.id == verified.workspace.id)
      #expect(remembered.peer == "ipv4:127.0.0.1:50001")

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

  /// The method table's fast path serves a remembered token pair only when the call sends no
  /// OAuth header at all: a mix (even with an empty OAuth header) takes the full path, which
  /// refuses it.
  @Test func aRememberedTokenPairSentWithOAuthHeadersTakesTheFullPath() async throws {
    try await StoreFixture.sqlite { store in
      let backend = Backend(dependencies: Dependencies(store: store, keys: .random()))
      let booted = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
      let (id, secret, peer) = (booted.token.id.rawValue, booted.token.secret, "ipv4:127.0.0.1:50000")
      _ = try await backend.tokens.authenticate(id: id, secret: secret, peer: peer)
      var tokenID: String?
      let pair: Metadata = ["x-modal-token-id": id, "x-modal-token-secret": secret]
      #expect(try MethodTable.rememberedCaller(pair, tokenID: &tokenID, backend: backend, peer: peer) != nil)
      #expect(tokenID == id)
      for name in ["x-modal-refresh-token", "x-modal-oauth-client-id", "x-modal-oauth-client-secret", "x-modal-oauth-client-assertion"] {
        for value in ["or-anything", ""] {
          var mixed = pair
          mixed.add(name, value)
          var named: String?
          #expect(try MethodTable.rememberedCaller(mixed, tokenID: &named, backend: backend, peer: peer) == nil, "\(name)")
        }
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
}
