import Foundation
import Modal
import Testing
import TestSupport

/// A GitHub secret-scanning report posted to one replica: the token is refused by every replica
/// (two `modal-server serve` processes over one PostgreSQL), well within the bound asserted here
/// (`Benchmarks/run-leak-revocation.sh` measures the time itself).
@Suite(.serialized) struct LeakReplicaTests {
  @Test func aReportToOneReplicaIsRefusedByEveryReplica() async throws {
    let signer = try ScanningSigner()
    let set = try ReplicaSet(count: 2, extraArguments: ["--secret-scanning-keys", signer.writeKeysFile()])
    let folder = TemporaryFolder()
    for round in 0..<3 {
      let created = try set.command(["token", "create", "--workspace", "pyws", "--name", "leak\(round)", "--json"], on: round % 2)
      let token = try bootstrapCredentials(created.stdout)
      var policy = RetryPolicy()
      policy.maxRetries = 0
      let clients = try set.replicas.map {
        try ModalClient(
          options: .init(tokenID: token.id, tokenSecret: token.secret, serverURL: $0.url, host: folder.host(), retryPolicy: policy))
      }
      // Valid everywhere first, and remembered by each replica's caller cache.
      for client in clients { try await client.hello() }

      let body = ScanningSigner.body([token.secret], url: "https://github.com/octo/demo/blob/\(round)/.env")
      let headers = try signer.headers(for: body).map { ($0.key, $0.value) }
      let web = WebClient(port: set.replicas[(round + 1) % 2].httpPort)
      let response = await web.request("POST", "/secret-scanning/github", rawBody: String(decoding: body, as: UTF8.self), headers: headers)
      let reportedAt = ContinuousClock.now
      #expect(response.status == 200 && response.body.contains("true_positive"), "\(response.status) \(response.body)")
      for (index, client) in clients.enumerated() {
        var refused = false
        while !refused, ContinuousClock.now - reportedAt < .seconds(5) {
          do throws(ModalError) {
            try await client.hello()
          } catch {
            #expect(error.code == .authentication && error.message.contains("was revoked"), "\(error)")
            refused = true
          }
          if !refused { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(refused, "replica \(index) still accepts the reported token")
      }
    }
  }
}
