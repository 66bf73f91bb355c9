import Foundation
import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing
import TestSupport

/// A `modal-server` killed with SIGKILL while changes are being made keeps each change together
/// with its audit entry, or neither (they share one transaction).
@Suite(.serialized) struct AuditCrashTests {
  @Test func aKilledServerKeepsEachChangeWithItsEntryOrNeither() async throws {
    let folder = TemporaryFolder()
    let server = try ModalServerProcess(in: folder)
    let channel = try Channel(url: server.url)
    let metadata: Metadata = ["x-modal-token-id": server.tokenID, "x-modal-token-secret": server.tokenSecret]
    let acknowledged = Locked<[String]>([])
    let calls = Task {
      await withTaskGroup(of: Void.self) { group in
        for index in 0..<60 {
          group.addTask {
            let request = SecretGetOrCreateRequest(
              deploymentName: "crash-\(index)", objectCreationType: .createFailIfExists, envDict: ["K": "v"])
            let answer = try? await channel.unary(
              path: ModalClientMethods.secretGetOrCreate.path, request: request.serializedBytes(), metadata: metadata,
              timeout: .seconds(10))
            if answer != nil { acknowledged.withLock { $0.append("crash-\(index)") } }
          }
        }
      }
    }
    // Kill while calls are in flight: after some were answered, before all were.
    let deadline = ContinuousClock.now + .seconds(10)
    while acknowledged.withLock({ $0.count }) < 5 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
    #expect(server.stop(.kill) == SIGKILL)
    await calls.value

    let store = try SQLiteStore(path: server.dataDirectory + "/modal-server.sqlite3")
    let workspace = try #require(try await store.workspace(name: "me"))
    let environment = try #require(try await store.environments(workspaceID: workspace.id).first)
    let secrets = Set(try await store.secrets(environmentID: environment.id, createdBefore: nil, limit: 1000).compactMap(\.name))
    var query = AuditQuery(workspaceID: workspace.id)
    query.limit = 1000
    let entries = try await store.auditEntries(query)
    await store.close()
    let recorded = entries.filter { $0.action == .secretCreated }.map(\.target.name)
    #expect(Set(recorded) == secrets)
    #expect(recorded.count == Set(recorded).count)
    let answered = Set(acknowledged.withLock { $0 })
    #expect(answered.isSubset(of: secrets), "an answered change was lost: \(answered.subtracting(secrets))")
    #expect(answered.count >= 5)
  }
}
