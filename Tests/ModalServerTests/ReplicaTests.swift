import Foundation
import Modal
import ModalAPI
import ModalServer
import ProtoWire
import Testing
import TestSupport

/// Three `modal-server serve` replicas over one PostgreSQL, driven by our SDK: what one replica
/// commits every other sees at once, and faults (a replica killed, the database restarted) lose
/// nothing that was acknowledged.
@Suite(.serialized) struct ReplicaTests {
  /// A client of one replica, or of the failover list when `url` names several.
  private func client(_ url: String, _ token: Credentials, folder: TemporaryFolder, retries: Bool = true) throws -> ModalClient {
    var policy = RetryPolicy()
    if !retries { policy.maxRetries = 0 }
    return try ModalClient(
      options: .init(tokenID: token.id, tokenSecret: token.secret, serverURL: url, host: folder.host(), retryPolicy: policy))
  }

  private func createSecret(_ name: String, with client: ModalClient) async throws(ModalError) {
    var request = SecretGetOrCreateRequest()
    request.deploymentName = name
    request.objectCreationType = .createFailIfExists
    request.envDict = ["KEY": name]
    _ = try await client.call(ModalClientMethods.secretGetOrCreate, request)
  }

  private func secretNames(with client: ModalClient) async throws -> Set<String> {
    Set(try await client.call(ModalClientMethods.secretList, SecretListRequest()).items.map(\.label))
  }

  @Test func aTokenCreatedOnOneReplicaWorksOnAllAndARevocationReachesAllWithinASecond() async throws {
    let set = try ReplicaSet(count: 3)
    let folder = TemporaryFolder()
    for round in 0..<5 {
      let created = try set.command(["token", "create", "--workspace", "pyws", "--name", "r\(round)", "--json"], on: round % 3)
      let token = try bootstrapCredentials(created.stdout)
      // Valid at once everywhere, and remembered by every replica's caller cache.
      let clients = try set.replicas.map { try client($0.url, token, folder: folder, retries: false) }
      for client in clients { try await client.hello() }
      let revoke = try set.command(["token", "revoke", token.id], on: (round + 1) % 3)
      #expect(revoke.status == 0, "\(revoke.stderr)")
      let revokedAt = ContinuousClock.now
      for (index, client) in clients.enumerated() {
        var rejected = false
        while !rejected, ContinuousClock.now - revokedAt < .seconds(2) {
          do throws(ModalError) {
            try await client.hello()
          } catch {
            #expect(error.code == .authentication, "\(error)")
            #expect(error.message.contains("was revoked"), "\(error)")
            rejected = true
          }
          if !rejected { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(rejected, "replica \(index) still accepts a revoked token")
        #expect(ContinuousClock.now - revokedAt < .seconds(1), "replica \(index) took \(ContinuousClock.now - revokedAt)")
      }
    }
  }

  @Test func aLoginWaitingOnOneReplicaEndsTheMomentAnotherApproves() async throws {
    let set = try ReplicaSet(count: 3)
    let folder = TemporaryFolder()
    let anonymous = try client(set.replicas[0].url, set.owner, folder: folder)
    let flow = try await anonymous.call(ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest())
    let waiter = try client(set.replicas[1].url, set.owner, folder: folder)
    var waitRequest = TokenFlowWaitRequest()
    waitRequest.tokenFlowID = flow.tokenFlowID
    waitRequest.waitSecret = flow.waitSecret
    waitRequest.timeout = 30
    let request = waitRequest
    let wait = Task { () async throws -> TokenFlowWaitResponse in
      try await waiter.call(ModalClientMethods.tokenFlowWait, request, options: CallOptions(timeout: .seconds(40)))
    }
    try await Task.sleep(for: .milliseconds(500))
    let approve = try set.command(["flow", "approve", "--code", flow.code, "--email", "py@example.com"], on: 2)
    let approvedAt = ContinuousClock.now
    #expect(approve.status == 0, "\(approve.stderr)")
    let response = try await wait.value
    let answeredAt = ContinuousClock.now
    #expect(!response.timeout)
    #expect(response.tokenID.hasPrefix("ak-") && response.tokenSecret.hasPrefix("as-"))
    #expect(answeredAt - approvedAt < .seconds(1), "the wait ended \(answeredAt - approvedAt) after the approval")
    // The new token works on the third replica.
    let minted = Credentials(id: response.tokenID, secret: response.tokenSecret)
    try await client(set.replicas[2].url, minted, folder: folder).hello()
  }

  /// The scenario set of the server issue with our `modal` command line, its `server_url` the
  /// comma-separated list of the three replicas (so calls fail over), and every server-side step on
  /// another replica's machine.
  @Test func ourCommandLineRunsTheScenariosAcrossReplicas() async throws {
    let set = try ReplicaSet(count: 3)
    let folder = TemporaryFolder()
    let modal = ProcessRunner.product("modal")
    let base = ["PATH": "/usr/bin:/bin", "HOME": folder.path, "BROWSER": "/bin/false", "MODAL_SERVER_URL": set.failoverURL]
    func run(_ arguments: [String], _ extra: [String: String] = [:], stdin: String? = nil) throws -> ProcessOutput {
      try ProcessRunner.run(modal, arguments, environment: base.merging(extra) { $1 }, stdin: stdin)
    }

    // modal token new: the flow is created and waited for through the failover list, approved on replica 2's machine.
    let child = try ModalChild(["token", "new"], environment: base, in: folder)
    let code = try #require(await child.loginCode(), "no code printed: \(child.stdout) \(child.stderr)")
    let approve = try set.command(["flow", "approve", "--code", code, "--email", "py@example.com"], on: 2)
    #expect(approve.status == 0, "\(approve.stderr)")
    #expect(await child.exitStatus() == 0, "\(child.stderr)")
    #expect(child.stdout.contains("Token verified successfully!"))

    let info = try run(["token", "info"])
    #expect(info.status == 0 && info.stdout.contains("Workspace: pyws"), "\(info.stderr)")
    let profiles = try run(["profile", "list", "--json"])
    #expect(profiles.status == 0 && profiles.stdout.contains("pyws"), "\(profiles.stderr)")
    let create = try run(["secret", "create", "replicated", "KEY=-"], stdin: "value\n")
    #expect(create.status == 0, "\(create.stderr)")
    let list = try run(["secret", "list", "--json"])
    #expect(list.status == 0 && list.stdout.contains("replicated"), "\(list.stderr)")
    let delete = try run(["secret", "delete", "replicated", "--yes"])
    #expect(delete.status == 0, "\(delete.stderr)")
    #expect(try set.storedSecretNames().isEmpty)
    let environments = try run(["environment", "list", "--json"])
    #expect(environments.status == 0 && environments.stdout.contains("\"name\": \"main\""), "\(environments.stderr)")

    // Revoked (on another replica's machine), expired and out-of-scope tokens get the right errors.
    let revoked = try bootstrapCredentials(
      set.command(["token", "create", "--workspace", "pyws", "--name", "revoked", "--json"], on: 1).stdout)
    let tokenEnvironment = { (token: Credentials) in ["MODAL_TOKEN_ID": token.id, "MODAL_TOKEN_SECRET": token.secret] }
    #expect(try run(["token", "info"], tokenEnvironment(revoked)).status == 0)
    _ = try set.command(["token", "revoke", revoked.id], on: 2)
    let revokedInfo = try run(["token", "info"], tokenEnvironment(revoked))
    #expect(revokedInfo.status == 1 && revokedInfo.stderr.contains("was revoked"), "\(revokedInfo.stderr)")
    let expiring = try bootstrapCredentials(
      set.command(["token", "create", "--workspace", "pyws", "--name", "short", "--expires-in", "1s", "--json"], on: 0).stdout)
    try await Task.sleep(for: .milliseconds(1500))
    let expiredInfo = try run(["token", "info"], tokenEnvironment(expiring))
    #expect(expiredInfo.status == 1 && expiredInfo.stderr.contains("expired at"), "\(expiredInfo.stderr)")
    // The owner's token list tells the live token from the revoked and the expired one.
    let listed = try run(["token", "list", "--json"])
    #expect(listed.status == 0, "\(listed.stderr)")
    let rows = (try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]) ?? []
    let statuses = Dictionary(uniqueKeysWithValues: rows.compactMap { row in
      (row["token_id"] as? String).map { ($0, row["status"] as? String ?? "?") }
    })
    #expect(statuses[revoked.id] == "revoked" && statuses[expiring.id] == "expired", "\(statuses)")
    #expect(statuses[set.owner.id] == "active", "\(statuses)")
    let reader = try bootstrapCredentials(
      set.command(["token", "create", "--workspace", "pyws", "--name", "reader", "--scopes", "read", "--json"], on: 1).stdout)
    let denied = try run(["secret", "create", "nope", "A=-"], tokenEnvironment(reader), stdin: "1\n")
    #expect(denied.status == 1 && denied.stderr.contains("secrets:write"), "\(denied.stderr)")
  }

  @Test func replicasStartingTogetherOnAnEmptyDatabaseMigrateOnce() async throws {
    let folder = TemporaryFolder()
    let database = try PostgresServer.shared().newDatabase()
    // Every replica gets the deployment's one key file, as docs/deployment.md says.
    let keys = ServerKeys.generate()
    for index in 0..<3 {
      let data = "\(folder.path)/r\(index)"
      try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      _ = try ServerKeys.write(keys, dataDirectory: data)
    }
    let servers = (0..<3).map { index in
      ModalServerProcess(
        dataDirectory: "\(folder.path)/r\(index)", logPath: "\(folder.path)/r\(index).log", extraArguments: ["--database", database])
    }
    defer { for server in servers { server.stop(.kill) } }
    try await withThrowingTaskGroup(of: Void.self) { group in
      for server in servers { group.addTask { try server.start() } }
      try await group.waitForAll()
    }
    let name = String(database.split(separator: "/").last ?? "")
    let applied = try PostgresServer.shared().sql("SELECT version FROM schema_migrations ORDER BY version", database: name)
    #expect(applied.split(separator: "\n").map(String.init) == StoreSchema.migrations.map { String($0.version) })
    // A replica started with a folder of its own and no key file would make a key no other
    // replica has: it is refused, even though the database holds no token yet.
    let stray = try runServerCommand([
      "serve", "--data-dir", "\(folder.path)/stray", "--database", database, "--grpc-address", "127.0.0.1:0",
      "--http-address", "127.0.0.1:0",
    ])
    #expect(stray.status == 1 && stray.stderr.contains("already belongs to a server with key"), "\(stray.stderr)")
  }

  @Test func loginAttemptLimitsAndDashboardSessionsHoldAcrossReplicas() async throws {
    let set = try ReplicaSet(count: 2)
    // Wrong passwords, alternating between the replicas, count toward one limit.
    var statuses: [Int] = []
    for attempt in 0..<(Dashboard.loginFailureLimit + 1) {
      let web = WebClient(port: set.replicas[attempt % 2].httpPort)
      statuses.append(await web.logIn(email: "py@example.com", password: "wrong-password-\(attempt)").status)
    }
    #expect(statuses.prefix(Dashboard.loginFailureLimit).allSatisfy { $0 == 401 }, "\(statuses)")
    #expect(statuses.last == 429, "the limit counted failures on both replicas: \(statuses)")
    let locked = await WebClient(port: set.replicas[0].httpPort).logIn(email: "py@example.com", password: ReplicaSet.password)
    #expect(locked.status == 429, "the right password does not open a locked account on either replica")

    // A session started on one replica works on the other; logging out on that one ends it on both.
    let other = try ReplicaSet(count: 2, email: "web@example.com", workspace: "webws")
    let first = WebClient(port: other.replicas[0].httpPort)
    #expect(await first.logIn(email: "web@example.com", password: ReplicaSet.password).status == 303)
    let session = try #require(first.cookies[WebSessions.cookieName])
    let second = WebClient(port: other.replicas[1].httpPort)
    second.cookies = first.cookies
    let home = await second.request("GET", "/")
    #expect(home.status == 200 && home.body.contains("web@example.com"), "\(home.status)")
    let csrf = try #require(home.csrf, "the other replica accepts the session's CSRF token too")
    #expect(await second.request("POST", "/logout", form: [("csrf", csrf)]).status == 303)
    let after = WebClient(port: other.replicas[0].httpPort)
    after.cookies[WebSessions.cookieName] = session
    #expect(await after.request("GET", "/").status == 303, "the session ended on every replica")
  }

  @Test func killingAReplicaUnderLoadLosesNothingAcknowledged() async throws {
    let set = try ReplicaSet(count: 3)
    let folder = TemporaryFolder()
    let acknowledged = NameLog()
    let afterKill = Counter()
    let killed = Flag()
    let stop = Flag()
    let workers = try (0..<4).map { worker -> Task<Void, Never> in
      // Each worker prefers another replica first; worker 0 and 3 start on the one that is killed.
      let order = (0..<3).map { set.replicas[($0 + worker) % 3].url }.joined(separator: ",")
      let client = try client(order, set.owner, folder: folder)
      return Task {
        var index = 0
        while !stop.isSet {
          let name = "w\(worker)-\(index)"
          index += 1
          do throws(ModalError) {
            try await createSecret(name, with: client)
            acknowledged.append(name)
            if killed.isSet { afterKill.increment() }
          } catch {
            // A call cut off by the kill may or may not have committed; it was not acknowledged.
          }
        }
      }
    }
    // Two more workers log in again and again: a flow created through the failover list, approved
    // by another writer of the database (as the dashboard of any replica would), waited for.
    let approver = try PostgresStore(url: set.databaseURL, poolSize: 1, listen: false)
    let ownerID = UserID(rawValue: try #require(try await approver.token(id: TokenID(rawValue: set.owner.id))).owner.rawID)
    let workspaceID = try #require(try await approver.token(id: TokenID(rawValue: set.owner.id))).workspaceID
    let flows = NameLog()
    let tokens = NameLog()
    let loginErrors = NameLog()
    let loginWorkers = try (0..<2).map { worker -> Task<Void, Never> in
      let order = (0..<3).map { set.replicas[($0 + worker) % 3].url }.joined(separator: ",")
      let client = try client(order, set.owner, folder: folder)
      return Task {
        while !stop.isSet {
          do {
            let flow = try await client.call(ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest())
            flows.append(flow.tokenFlowID)
            let code = UserCode.normalize(flow.code) ?? flow.code
            guard let pending = try await approver.pendingFlow(code: code, now: UnixTime(date: Date())) else {
              loginErrors.append("no pending flow with code \(flow.code)")
              try await Task.sleep(for: .milliseconds(50))
              continue
            }
            _ = try await approver.approveFlow(id: pending.id, userID: ownerID, workspaceID: workspaceID, at: UnixTime(date: Date()))
            var wait = TokenFlowWaitRequest()
            wait.tokenFlowID = flow.tokenFlowID
            wait.waitSecret = flow.waitSecret
            wait.timeout = 10
            let minted = try await client.call(ModalClientMethods.tokenFlowWait, wait)
            if !minted.tokenID.isEmpty { tokens.append(minted.tokenID) }
          } catch {
            // Cut off by the kill: not acknowledged.
            loginErrors.append("\(error)")
          }
        }
      }
    }
    try await Task.sleep(for: .seconds(1))
    set.replicas[0].stop(.kill)
    killed.set()
    try await Task.sleep(for: .seconds(2))
    stop.set()
    for worker in workers + loginWorkers { await worker.value }
    await approver.close()
    #expect(afterKill.value > 20, "clients went on with the other replicas (\(afterKill.value) writes after the kill)")
    let names = try set.storedSecretNames()
    let expected = acknowledged.all
    #expect(expected.count > 40)
    let missing = expected.filter { !names.contains($0) }
    #expect(missing.isEmpty, "\(missing.count) of \(expected.count) acknowledged secrets were lost, e.g. \(missing.prefix(5))")
    let database = String(set.databaseURL.split(separator: "/").last ?? "")
    let storedFlows = Set(try PostgresServer.shared().sql("SELECT id FROM token_flows", database: database).split(separator: "\n").map(String.init))
    let storedTokens = Set(try PostgresServer.shared().sql("SELECT id FROM tokens", database: database).split(separator: "\n").map(String.init))
    #expect(tokens.all.count > 5, "logins went on (\(tokens.all.count) tokens minted; errors: \(loginErrors.all.prefix(5)))")
    #expect(flows.all.allSatisfy(storedFlows.contains), "an acknowledged login flow was lost")
    #expect(tokens.all.allSatisfy(storedTokens.contains), "an acknowledged token was lost")
  }

  @Test func restartingPostgresUnderLoadGivesUnavailableThenServiceResumes() async throws {
    let set = try ReplicaSet(count: 2)
    let folder = TemporaryFolder()
    let postgres = try PostgresServer.shared()
    let direct = try client(set.replicas[0].url, set.owner, folder: folder, retries: false)
    do {
      try await createSecret("before", with: direct)
    } catch {
      Issue.record("\(error)\n\(set.replicas[0].log)")
      return
    }
    postgres.stop(mode: "fast")
    defer { try? postgres.start() }
    // Without retries, a call needing the database fails fast with UNAVAILABLE, not an internal error.
    let started = ContinuousClock.now
    do throws(ModalError) {
      try await createSecret("during", with: direct)
      Issue.record("a write succeeded with the database stopped")
    } catch {
      #expect(error.code == .unavailable, "\(error)")
      #expect(error.message.contains("cannot reach its database"), "\(error)")
      #expect(!error.message.contains("127.0.0.1") && !error.message.contains("postgres"), "no database details to clients")
    }
    #expect(ContinuousClock.now - started < .seconds(5))
    try await waitUntil("the operator's log says why") {
      set.replicas[0].log.contains("SecretGetOrCreate UNAVAILABLE") && set.replicas[0].log.contains("reason=\"")
    }
    // The replicas recover by themselves once the database is back: a retrying client's write
    // goes through within seconds, with no restart of any replica.
    try postgres.start()
    let retrying = try client(set.failoverURL, set.owner, folder: folder)
    let resumeDeadline = ContinuousClock.now + .seconds(15)
    var written = false
    while !written, ContinuousClock.now < resumeDeadline {
      do throws(ModalError) {
        try await createSecret("across-restart", with: retrying)
        written = true
      } catch {
        #expect(error.code == .unavailable || error.code == .alreadyExists, "\(error)")
        written = error.code == .alreadyExists
        if !written { try await Task.sleep(for: .milliseconds(200)) }
      }
    }
    #expect(written, "no write succeeded within 15 s of the database's return")
    // Both replicas serve again by themselves, and see the same data.
    for replica in set.replicas {
      let names = try await secretNames(with: client(replica.url, set.owner, folder: folder))
      #expect(names.isSuperset(of: ["before", "across-restart"]), "\(names)")
    }
    #expect(try set.storedSecretNames().isSuperset(of: ["before", "across-restart"]))
    #expect(set.replicas.allSatisfy { $0.isRunning })
  }
}

/// A thread-safe list of names.
final class NameLog: @unchecked Sendable {
  private let lock = NSLock()
  private var names: [String] = []
  func append(_ name: String) { lock.withLock { names.append(name) } }
  var all: [String] { lock.withLock { names } }
}

/// A thread-safe counter.
final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0
  func increment() { lock.withLock { count += 1 } }
  var value: Int { lock.withLock { count } }
}

/// A thread-safe flag set once.
final class Flag: @unchecked Sendable {
  private let lock = NSLock()
  private var state = false
  func set() { lock.withLock { state = true } }
  var isSet: Bool { lock.withLock { state } }
}
