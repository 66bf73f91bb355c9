import Foundation
import Modal
import TestSupport
import Testing

/// `client.proxyTokens` against a real `modal-server`.
@Suite struct ProxyTokenResourceTests {
  @Test func proxyTokensCreateListUpdateAllowRevokeAndDelete() async throws {
    let folder = TemporaryFolder()
    let server = try ModalServerProcess(in: folder)
    let client = try ModalClient(
      tokenID: server.tokenID, tokenSecret: server.tokenSecret, options: .init(serverURL: server.url, host: folder.host()))
    try await client.environments.create("prod")
    let created = try await client.proxyTokens.create(name: "hooks")
    #expect(created.id.hasPrefix("wk-") && created.secret.hasPrefix("ws-"))
    #expect(created.bearer == "Bearer \(created.id).\(created.secret)")

    let listed = try await client.proxyTokens.list()
    #expect(listed.map(\.id) == [created.id])
    #expect(listed.first?.name == "hooks" && listed.first?.scoped == false && listed.first?.createdBy == "me@example.com")
    #expect(listed.first?.createdAt != nil)

    #expect(try await client.proxyTokens.update(created.id, name: "renamed").name == "renamed")
    try await client.proxyTokens.allow(created.id, environment: "prod")
    let prod = try await client.environments.get("prod")
    #expect(try await client.proxyTokens.environmentIDs(of: created.id) == [prod.id])
    #expect(try await client.proxyTokens.list(environment: "prod").map(\.id) == [created.id])
    #expect(try await client.proxyTokens.list(environment: "main").isEmpty)
    try await client.proxyTokens.revoke(created.id, environment: "prod")
    #expect(try await client.proxyTokens.environmentIDs(of: created.id).isEmpty)
    let unknownEnvironment = await #expect(throws: ModalError.self) {
      try await client.proxyTokens.allow(created.id, environment: "nowhere")
    }
    #expect(unknownEnvironment?.code == .notFound)

    try await client.proxyTokens.delete(created.id)
    #expect(try await client.proxyTokens.list().isEmpty)
    let gone = await #expect(throws: ModalError.self) { try await client.proxyTokens.delete(created.id) }
    #expect(gone?.code == .notFound)
    _ = server.stop(.terminate)
  }
}
