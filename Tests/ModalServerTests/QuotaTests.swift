import Foundation
import ModalAPI
import ModalServer
import RPC
import Testing

/// Per-workspace quotas: each refuses with RESOURCE_EXHAUSTED naming the limit and the use.
struct QuotaTests {
  private static func settings() -> ServerSettings {
    var settings = ServerSettings(publicURL: "http://127.0.0.1:9")
    settings.quotas.secrets = 3
    settings.quotas.secretValueBytes = 1024
    settings.quotas.secretBytes = 4096
    settings.quotas.tokens = 2
    settings.quotas.serviceUsers = 1
    return settings
  }

  private func create(_ harness: Harness, _ name: String, _ values: [String: String], _ type: ObjectCreationType = .createFailIfExists)
    async throws -> SecretGetOrCreateResponse
  {
    try await harness.call(
      ModalClientMethods.secretGetOrCreate,
      SecretGetOrCreateRequest(deploymentName: name, objectCreationType: type, envDict: values, requiredKeys: []),
      as: harness.owner)
  }

  @Test func secretQuotasRefuseWithTheLimitAndTheUse() async throws {
    try await withHarness(settings: Self.settings()) { harness in
      let big = await rpcError { try await create(harness, "big", ["V": String(repeating: "x", count: 1025)]) }
      #expect(big?.code == .resourceExhausted)
      #expect(big?.message.contains("1025 bytes") == true && big?.message.contains("1024 bytes per secret value") == true)
      let ephemeral = await rpcError {
        try await create(harness, "", ["V": String(repeating: "x", count: 1025)], .ephemeral)
      }
      #expect(ephemeral?.code == .resourceExhausted)
      _ = try await create(harness, "a", ["V": String(repeating: "a", count: 1000)])
      _ = try await create(harness, "b", ["V": String(repeating: "b", count: 1000)])
      let total = await rpcError { try await create(harness, "c", ["V": String(repeating: "c", count: 1000), "W": String(repeating: "c", count: 1000)]) }
      #expect(total?.code == .resourceExhausted)
      #expect(total?.message.contains("quota of 4096 bytes of secrets") == true, "\(total?.message ?? "")")
      _ = try await create(harness, "c", ["V": "small"])
      let count = await rpcError { try await create(harness, "d", ["V": "small"]) }
      #expect(count?.code == .resourceExhausted)
      #expect(count?.message.contains("Workspace 'acme' has reached its quota of 3 secrets (it has 3)") == true)
      // Growing a secret in place counts too.
      let created = try await create(harness, "c", ["V": "small"], .createIfMissing)
      var update = SecretUpdateRequest(secretID: created.secretID)
      update.updates = ["W", "X"].map { SecretUpdateRequest.Update(key: $0, value: String(repeating: "w", count: 1000)) }
      let grown = await rpcError { try await harness.call(ModalClientMethods.secretUpdate, update, as: harness.owner) }
      #expect(grown?.code == .resourceExhausted)
      #expect(grown?.message.contains("this write adds") == true)
    }
  }

  @Test func tokenAndServiceUserQuotas() async throws {
    try await withHarness(settings: Self.settings()) { harness in
      let tokens = TokenService(dependencies: harness.backend.dependencies)
      // The bootstrap token is one of the two.
      _ = try await tokens.issue(
        workspaceID: harness.workspace.id, owner: .user(id: harness.ownerUser.id), createdByUserID: harness.ownerUser.id,
        name: "second", scopes: .all, lifetimeSeconds: nil, by: .serverOperator)
      do {
        _ = try await tokens.issue(
          workspaceID: harness.workspace.id, owner: .user(id: harness.ownerUser.id), createdByUserID: harness.ownerUser.id,
          name: "third", scopes: .all, lifetimeSeconds: nil, by: .serverOperator)
        Issue.record("a third token was issued")
      } catch let error as ServerError {
        #expect(error.code == .resourceExhausted)
        #expect(error.message.contains("quota of 2 tokens (it has 2; revoke some)"))
      }
      let accounts = harness.backend.accounts
      _ = try await accounts.createServiceUser(name: "ci", role: .member, workspace: harness.workspace, createdBy: harness.ownerUser)
      do {
        _ = try await accounts.createServiceUser(name: "cd", role: .member, workspace: harness.workspace, createdBy: harness.ownerUser)
        Issue.record("a second service user was created")
      } catch let error as ServerError {
        #expect(error.code == .resourceExhausted)
        #expect(error.message.contains("quota of 1 service users (it has 1)"))
      }
    }
  }
}
