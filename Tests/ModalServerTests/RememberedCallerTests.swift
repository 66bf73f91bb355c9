@testable import ModalServer
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
}
