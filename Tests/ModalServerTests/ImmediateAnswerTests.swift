import ModalAPI
@testable import ModalServer
import ProtoWire
import RPC
import Testing

/// ClientHello, WorkspaceNameLookup and AuthTokenGet answer a remembered caller at once, on the
/// poller thread (`MethodTable.authenticatedAtOnce`), and send every other call the full way: the
/// replies, trailers and log lines are the same either way.
@Suite struct ImmediateAnswerTests {
  static let endpoint = "https://modal.example.com/oauth/token"

  static var settings: ServerSettings {
    var settings = ServerSettings(publicURL: "https://modal.example.com/")
    // Remembered for the whole test, however slow the machine.
    settings.callerCacheLifetime = .seconds(60)
    return settings
  }

  @Test func aRememberedCallerGetsTheFullPathsReplyTrailerAndLogLine() async throws {
    try await withHarness(settings: Self.settings) { harness in
      let path = ModalClientMethods.clientHello.path
      // The first call takes the full path and leaves the caller remembered; the others are
      // answered at once.
      for _ in 0..<3 {
        let reply = try await harness.channel.unary(
          path: path, request: Empty().serializedBytes(), metadata: harness.owner.metadata, timeout: .seconds(20))
        #expect(reply.trailingMetadata.values(MethodTable.tokenEndpointKey) == [Self.endpoint])
      }
      for _ in 0..<2 {
        let lookup = try await harness.call(
          ModalClientMethods.workspaceNameLookup, Empty(), as: harness.owner)
        #expect(lookup.workspaceName == "acme")
        let jwt = try await harness.call(ModalClientMethods.authTokenGet, AuthTokenGetRequest(), as: harness.owner)
        #expect(jwt.token.split(separator: ".").count == 3)
      }
      let lines = await harness.log.lines { $0.count >= 7 }
      #expect(lines.count == 7)
      #expect(lines.filter { $0.contains("ClientHello") && $0.contains(" OK ") && $0.contains(harness.owner.id) }.count == 3)
      #expect(lines.filter { $0.contains("WorkspaceNameLookup") && $0.contains(" OK ") }.count == 2)
      #expect(lines.filter { $0.contains("AuthTokenGet") && $0.contains(" OK ") }.count == 2)
    }
  }

  @Test func aWrongSecretOfARememberedIdGoesTheFullWayWithOneTrailer() async throws {
    try await withHarness(settings: Self.settings) { harness in
      let path = ModalClientMethods.clientHello.path
      _ = try await harness.channel.unary(
        path: path, request: Empty().serializedBytes(), metadata: harness.owner.metadata, timeout: .seconds(20))
      let wrong = Credentials(id: harness.owner.id, secret: TokenFormat.newSecret())
      let error = await rpcError {
        try await harness.channel.unary(path: path, request: Empty().serializedBytes(), metadata: wrong.metadata, timeout: .seconds(20))
      }
      #expect(error?.status.code == .unauthenticated)
      #expect(error?.trailingMetadata.values(MethodTable.tokenEndpointKey) == [Self.endpoint])
    }
  }
  /// An OAuth app's client secret is answered at once too once its grant is remembered: the same
  /// reply, trailer and log line; a wrong secret still gets the full path's refusal.
  @Test func aRememberedOAuthClientSecretGetsTheFullPathsReplyTrailerAndLogLine() async throws {
    try await withHarness(settings: Self.settings) { harness in
      let service = harness.backend.oauthApps
      let (app, secret) = try await service.register(
        .init(name: "Agent", redirectURIs: [], scopes: .all, credential: .secret), in: harness.workspace,
        by: .serverOperator)
      let (grant, refreshToken) = try await service.grant(app, to: harness.ownerUser, scopes: .all, by: .serverOperator)
      let clientSecret = try #require(secret)
      func hello(secret: String) async throws -> UnaryResponse {
        let metadata: Metadata = [
          "x-modal-refresh-token": refreshToken, "x-modal-oauth-client-id": app.id.rawValue,
          "x-modal-oauth-client-secret": secret,
        ]
        return try await harness.channel.unary(
          path: ModalClientMethods.clientHello.path, request: Empty().serializedBytes(), metadata: metadata,
          timeout: .seconds(20))
      }
      for _ in 0..<3 {
        let reply = try await hello(secret: clientSecret)
        #expect(reply.trailingMetadata.values(MethodTable.tokenEndpointKey) == [Self.endpoint])
      }
      let error = await rpcError { try await hello(secret: "ov-" + String(repeating: "a", count: 30)) }
      #expect(error?.status.code == .unauthenticated && error?.status.message == TokenService.invalidOAuthMessage)
      #expect(error?.trailingMetadata.values(MethodTable.tokenEndpointKey) == [Self.endpoint])
      let lines = await harness.log.lines { $0.count >= 4 }
      #expect(lines.filter { $0.contains("ClientHello") && $0.contains(" OK ") && $0.contains(grant.id.rawValue) }.count == 3)
      #expect(lines.filter { $0.contains("ClientHello") && $0.contains("UNAUTHENTICATED") }.count == 1)
      #expect(!lines.contains { $0.contains(refreshToken) || $0.contains(clientSecret) })
    }
  }
}
