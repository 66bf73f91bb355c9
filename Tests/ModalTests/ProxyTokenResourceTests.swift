import Foundation
import Modal
import TestSupport
import Testing

/// `client.workspace.proxyTokens` against a real `modal-server`.
@Suite struct ProxyTokenResourceTests {
  @Test func proxyTokensCreateListUpdateAllowRevokeAndDelete() async throws {
    let folder = TemporaryFolder()
    let server = try ModalServerProcess(in: folder)
    let client = try ModalClient(
      tokenID: server.tokenID, tokenSecret: server.tokenSecret, options: .init(serverURL: server.url, host: folder.host()))
    try await client.environments.create("prod")
    let created = try await client.workspace.proxyTokens.create(name: "hooks")
    #expect(created.id.hasPrefix("wk-") && created.secret.hasPrefix("ws-"))
    #expect(created.bearer == "Bearer \(created.id).\(created.secret)")

    let listed = try await client.workspace.proxyTokens.list()
    #expect(listed.map(\.id) == [created.id])
    #expect(listed.first?.name == "hooks" && listed.first?.scoped == false && listed.first?.createdBy == "me@example.com")
    #expect(listed.first?.createdAt != nil)

    #expect(try await client.workspace.proxyTokens.update(created.id, name: "renamed").name == "renamed")
    try await client.workspace.proxyTokens.allow(created.id, environment: "prod")
    let prod = try await client.environments.get("prod")
    #expect(try await client.workspace.proxyTokens.environmentIDs(of: created.id) == [prod.id])
    #expect(try await client.workspace.proxyTokens.list(environment: "prod").map(\.id) == [created.id])
    #expect(try await client.workspace.proxyTokens.list(environment: "main").isEmpty)
    try await client.workspace.proxyTokens.revoke(created.id, environment: "prod")
    #expect(try await client.workspace.proxyTokens.environmentIDs(of: created.id).isEmpty)
    let unknownEnvironment = await #expect(throws: ModalError.self) {
      try await client.workspace.proxyTokens.allow(created.id, environment: "nowhere")
    }
    #expect(unknownEnvironment?.code == .notFound)

    try await client.workspace.proxyTokens.delete(created.id)
    #expect(try await client.workspace.proxyTokens.list().isEmpty)
    let gone = await #expect(throws: ModalError.self) { try await client.workspace.proxyTokens.delete(created.id) }
    #expect(gone?.code == .notFound)
    _ = server.stop(.terminate)
  }
}
