import Foundation
import Modal
import ModalAPI
import ModalServer
import Testing
import TestSupport

/// Replicas behind Debian's real PgBouncer in transaction-pooling mode: every statement is
/// unnamed and no startup option is sent, so the pooler can hand server sessions around; the
/// listener of other replicas' changes connects directly (`--events-database`), and without it a
/// replica refuses to start, naming the option.
@Suite(.serialized) struct PgBouncerTests {
  private func client(_ url: String, _ token: Credentials, folder: TemporaryFolder) throws -> ModalClient {
    var policy = RetryPolicy()
    policy.maxRetries = 0
    return try ModalClient(
      options: .init(tokenID: token.id, tokenSecret: token.secret, serverURL: url, host: folder.host(), retryPolicy: policy))
  }

  /// Mints a token on `set.replicas[index]` through the login flow (approved by a command, which
  /// also goes through PgBouncer).
  private func mint(on index: Int, _ set: ReplicaSet, folder: TemporaryFolder) async throws -> Credentials {
    let replica = try client(set.replicas[index].url, set.owner, folder: folder)
    let flow = try await replica.call(ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest())
    let approve = try set.command(["flow", "approve", "--code", flow.code, "--email", "py@example.com"], on: index)
    #expect(approve.status == 0, "\(approve.stderr)")
    var wait = TokenFlowWaitRequest()
    wait.tokenFlowID = flow.tokenFlowID
    wait.waitSecret = flow.waitSecret
    wait.timeout = 10
    let response = try await replica.call(ModalClientMethods.tokenFlowWait, wait, options: CallOptions(timeout: .seconds(20)))
    #expect(!response.timeout)
    return Credentials(id: response.tokenID, secret: response.tokenSecret)
  }

  /// Whether PgBouncer is there; records an issue when it is not.
  private static func pgBouncerInstalled() -> Bool {
    if !PgBouncerServer.isInstalled { Issue.record("Debian's pgbouncer is not installed (scripts/setup.sh --test installs it).") }
    return PgBouncerServer.isInstalled
  }

  @Test func tokensMintedOnOneReplicaAreAcceptedAndRevokedOnTheOtherThroughTransactionPooling() async throws {
    guard Self.pgBouncerInstalled() else { return }
    let set = try ReplicaSet(count: 2, pooled: true)
    let folder = TemporaryFolder()
    // Several rounds, each from the other replica: the pooler hands the same few server sessions to
    // both replicas and the commands, where named statements used to collide.
    for round in 0..<4 {
      let minter = round % 2
      let other = 1 - minter
      let token = try await mint(on: minter, set, folder: folder)
      let onMinter = try client(set.replicas[minter].url, token, folder: folder)
      try await onMinter.hello()
      try await client(set.replicas[other].url, token, folder: folder).hello()
      let owner = try client(set.replicas[other].url, set.owner, folder: folder)
      try await owner.tokens.revoke(token.id)
      let revokedAt = ContinuousClock.now
      var rejected: ModalError?
      while rejected == nil, ContinuousClock.now - revokedAt < .seconds(2) {
        do throws(ModalError) {
          try await onMinter.hello()
        } catch {
          rejected = error
        }
        if rejected == nil { try await Task.sleep(for: .milliseconds(5)) }
      }
      #expect(rejected?.message.contains("was revoked") == true, "round \(round): \(String(describing: rejected))")
      #expect(ContinuousClock.now - revokedAt < .seconds(1), "round \(round): took \(ContinuousClock.now - revokedAt)")
    }
    for replica in set.replicas { #expect(!replica.log.contains("already exists"), "\(replica.log)") }
    let pooler = try #require(set.pooler)
    #expect(!pooler.log.contains("unsupported startup parameter"), "\(pooler.log)")
  }

  @Test func withoutEventsDatabaseAReplicaBehindTransactionPoolingRefusesToStart() async throws {
    guard Self.pgBouncerInstalled() else { return }
    let set = try ReplicaSet(count: 1, pooled: true)
    let folder = TemporaryFolder()
    let keys = folder.path + "/data/" + ServerKeys.fileName
    try FileManager.default.createDirectory(atPath: folder.path + "/data", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: set.replicas[0].dataDirectory + "/" + ServerKeys.fileName, toPath: keys)
    for (events, named) in [(nil, "--events-database postgres://"), (set.databaseURL, "never a transaction pooler")] {
      let started = ContinuousClock.now
      let replica = ModalServerProcess(
        dataDirectory: folder.path + "/data", logPath: folder.path + "/refused.log",
        extraArguments: ["--database", set.databaseURL] + (events.map { ["--events-database", $0] } ?? []))
      #expect(throws: StandInError.self) { try replica.start() }
      #expect(replica.log.contains("did not hear a notice"), "\(replica.log)")
      #expect(replica.log.contains(named), "\(replica.log)")
      #expect(!replica.log.contains("Fatal error") && !replica.log.contains("Stack"), "\(replica.log)")
      #expect(ContinuousClock.now - started < .seconds(15))
    }
  }
}
