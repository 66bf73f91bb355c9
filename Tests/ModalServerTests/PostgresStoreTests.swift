import Foundation
import ModalServer
import Testing
import TestSupport

/// `PostgresStore` against a real PostgreSQL (Debian's `postgresql`, a throwaway cluster on
/// 127.0.0.1): the shared statements, migrations under concurrency, races decided by the database,
/// change notices between stores, the pool bound, and outages.
@Suite(.serialized) struct PostgresStoreTests {
  private let now = UnixTime(microseconds: 1_700_000_000_000_000)

  private func account(_ store: some Store, suffix: String = "1") async throws {
    try await store.createAccount(
      user: User(id: "us-\(suffix)", email: "u\(suffix)@example.com", passwordHash: nil, createdAt: now),
      workspace: Workspace(id: "ac-\(suffix)", name: "ws\(suffix)", kind: .shared, createdAt: now),
      environment: Environment(
        id: "en-\(suffix)", workspaceID: "ac-\(suffix)", name: "main", isDefault: true, webhookSuffix: "", createdAt: now),
      token: TokenRecord(
        id: "ak-\(suffix)", workspaceID: "ac-\(suffix)", owner: .user(id: "us-\(suffix)"), createdByUserID: "us-\(suffix)",
        name: "t", secretHash: "00", hashKeyID: "k", secretHint: "abcd", scopes: .all, createdAt: now,
        expiresAt: UnixTime(microseconds: Int64.max / 2)))
  }

  private func flow(_ id: FlowID, code: String) -> TokenFlowRecord {
    TokenFlowRecord(
      id: id, code: code, waitSecretHash: "00", hashKeyID: "k", createdAt: now, expiresAt: now.adding(seconds: 600),
      tokenLifetimeSeconds: nil, localhostPort: 0, utmSource: "", nextURL: "", requestingNode: "n", requestingPeer: "p")
  }

  @Test func twoReplicasMigratingAtOnceApplyEachMigrationOnce() async throws {
    let url = try PostgresServer.shared().newDatabase()
    let results = await withTaskGroup(of: Result<Int, any Error>.self) { group in
      for _ in 0..<4 {
        group.addTask {
          do {
            let store = try PostgresStore(url: url, poolSize: 1, listen: false)
            let version = try await store.schemaVersion()
            await store.close()
            return .success(version)
          } catch {
            return .failure(error)
          }
        }
      }
      var all: [Result<Int, any Error>] = []
      for await result in group { all.append(result) }
      return all
    }
    for result in results { #expect((try? result.get()) == StoreSchema.latestVersion, "\(result)") }
    let server = try PostgresServer.shared()
    let database = String(url.split(separator: "/").last!)
    let rows = try server.sql("SELECT COUNT(*) FROM schema_migrations", database: database)
    #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "\(StoreSchema.migrations.count)")
  }

  @Test func theSharedStatementsRoundTripAndConflictsAreAlreadyExists() async throws {
    let store = try PostgresStore(url: PostgresServer.shared().newDatabase(), listen: false)
    try await account(store)
    #expect(try await store.user(email: "U1@example.com".lowercased())?.id == "us-1")
    #expect(try await store.membership(workspaceID: "ac-1", userID: "us-1")?.role == .owner)
    #expect(try await store.token(id: "ak-1")?.expiresAt == UnixTime(microseconds: Int64.max / 2))
    #expect(try await store.tokens(workspaceID: "ac-1", owner: nil).map(\.id) == ["ak-1"])
    let duplicate = await serverError { try await store.insertUser(User(id: "us-9", email: "u1@example.com", passwordHash: nil, createdAt: now)) }
    #expect(duplicate?.code == .alreadyExists)

    let secret = SecretRecord(
      id: "st-1", workspaceID: "ac-1", environmentID: "en-1", name: "db", keys: ["A", "B"], createdBy: "u1", createdAt: now,
      updatedAt: now, lastUsedAt: nil, expiresAt: nil)
    let stored = try await store.insertSecret(secret, values: SealedValues(keyID: "k", ciphertext: [0x00, 0xc1]))
    #expect(stored == secret)
    var second = secret
    second.id = "st-2"
    second.name = "db2"
    let storedSecond = try await store.insertSecret(second, values: SealedValues(keyID: "k", ciphertext: [0x00, 0xc2]))
    #expect(storedSecond.createdAt > secret.createdAt)
    #expect(try await store.secrets(environmentID: "en-1", createdBefore: nil, limit: 10).map(\.id) == ["st-2", "st-1"])
    #expect(try await store.secretValues(id: "st-2") == SealedValues(keyID: "k", ciphertext: [0x00, 0xc2]))
    // SecretUpdate's compare-and-swap: a write based on stale values changes nothing.
    let stale = SealedValues(keyID: "k", ciphertext: [0x00, 0xc1])
    #expect(try await store.replaceSecretValues(id: "st-2", keys: ["A"], values: stale, replacing: stale, at: now) == false)
    let current = SealedValues(keyID: "k", ciphertext: [0x00, 0xc2])
    let next = SealedValues(keyID: "k", ciphertext: [0x00, 0xc3])
    #expect(try await store.replaceSecretValues(id: "st-2", keys: ["A"], values: next, replacing: current, at: now))
    #expect(try await store.secretValues(id: "st-2") == next)

    try await store.recordFailure(key: "h", at: now)
    try await store.recordFailure(key: "h", at: now.adding(seconds: 1))
    #expect(try await store.failures(key: "h", since: now.adding(seconds: -1), limit: 5) == [now, now.adding(seconds: 1)])
    try await store.forgetFailure(key: "h", at: now)
    #expect(try await store.failures(key: "h", since: now.adding(seconds: -1), limit: 5) == [now.adding(seconds: 1)])
    try await store.clearFailures(key: "h")
    #expect(try await store.failures(key: "h", since: now.adding(seconds: -1), limit: 5).isEmpty)
    await store.close()
  }

  @Test func racesBetweenReplicasAreDecidedByTheDatabase() async throws {
    let url = try PostgresServer.shared().newDatabase()
    let first = try PostgresStore(url: url, listen: false)
    let second = try PostgresStore(url: url, listen: false)
    try await account(first)
    try await first.insertFlow(flow("tf-1", code: "BCDFGHJK"))
    let approvals = await withTaskGroup(of: Bool.self) { group in
      for index in 0..<10 {
        let store = index.isMultiple(of: 2) ? first : second
        group.addTask { (try? await store.approveFlow(id: "tf-1", userID: "us-1", workspaceID: "ac-1", at: now)) ?? false }
      }
      return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
    }
    #expect(approvals == 1)
    let consumptions = await withTaskGroup(of: Bool.self) { group in
      for index in 0..<10 {
        let store = index.isMultiple(of: 2) ? first : second
        let token = TokenRecord(
          id: "ak-c\(index)", workspaceID: "ac-1", owner: .user(id: "us-1"), createdByUserID: "us-1", name: "flow",
          secretHash: "00", hashKeyID: "k", secretHint: "abcd", scopes: .all, createdAt: now, expiresAt: nil)
        group.addTask { (try? await store.consumeFlow(id: "tf-1", token: token, at: now)) == .consumed }
      }
      return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
    }
    #expect(consumptions == 1)
    #expect(try await first.tokens(workspaceID: "ac-1", owner: nil).count == 2)
    await first.close()
    await second.close()
  }

  @Test func concurrentOwnerChangesNeverLeaveAWorkspaceWithoutAnOwner() async throws {
    let url = try PostgresServer.shared().newDatabase()
    let first = try PostgresStore(url: url, listen: false)
    let second = try PostgresStore(url: url, listen: false)
    for round in 0..<10 {
      try await account(first, suffix: "r\(round)")
      try await first.insertUser(User(id: "us-x\(round)", email: "x\(round)@example.com", passwordHash: nil, createdAt: now))
      try await first.upsertMembership(Membership(workspaceID: "ac-r\(round)", userID: "us-x\(round)", role: .owner, createdAt: now))
      // Each owner steps down (or is removed) through another replica at the same moment.
      async let a = first.setRole(workspaceID: "ac-r\(round)", userID: "us-r\(round)", role: .member)
      async let b = second.deleteMembership(workspaceID: "ac-r\(round)", userID: "us-x\(round)", at: now)
      let outcomes = try await [a, b]
      #expect(outcomes.filter { $0 == .done }.count == 1 && outcomes.contains(.lastOwner), "\(outcomes)")
      let owners = try await first.memberships(workspaceID: "ac-r\(round)").filter { $0.role == .owner }
      #expect(owners.count == 1)
    }
    await first.close()
    await second.close()
  }

  @Test func changesReachEveryReplicaAtOnce() async throws {
    let url = try PostgresServer.shared().newDatabase()
    let writer = try PostgresStore(url: url, listen: false)
    let reader = try PostgresStore(url: url, listen: true)
    try await account(writer)
    let received = EventLog()
    reader.events.subscribe { received.append($0) }
    try await waitUntil("the reader listens") { reader.isListening }

    let revokeStart = ContinuousClock.now
    #expect(try await writer.revokeToken(id: "ak-1", at: now))
    try await waitUntil("the revocation notice arrives") { received.contains(.credentialsChanged) }
    #expect(ContinuousClock.now - revokeStart < .seconds(1))
    #expect(try await reader.token(id: "ak-1")?.revokedAt == now)

    try await writer.insertFlow(flow("tf-2", code: "CDFGHJKL"))
    #expect(try await writer.approveFlow(id: "tf-2", userID: "us-1", workspaceID: "ac-1", at: now))
    try await waitUntil("the approval notice arrives") { received.contains(.flowChanged(id: "tf-2")) }
    // A rolled-back transaction announces nothing: a second approval changes no row.
    #expect(try await writer.approveFlow(id: "tf-2", userID: "us-1", workspaceID: "ac-1", at: now) == false)
    await writer.close()
    await reader.close()
  }

  @Test func thePoolStaysWithinItsBound() async throws {
    let url = try PostgresServer.shared().newDatabase()
    let store = try PostgresStore(url: url, poolSize: 2, listen: false)
    try await account(store)
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<50 { group.addTask { _ = try await store.token(id: "ak-1") } }
      try await group.waitForAll()
    }
    let server = try PostgresServer.shared()
    let open = try server.sql(
      "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'modal-server' AND datname = '\(url.split(separator: "/").last ?? "")'",
      database: "postgres")
    #expect((Int(open.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 99) <= 2)
    await store.close()
  }

  /// After a database restart every idle pooled connection is dead; the next calls must not each
  /// fail once on one (they did, with UNAVAILABLE, until the pool had replaced them all).
  @Test func idleConnectionsThatDiedAreReplacedBeforeUse() async throws {
    let url = try PostgresServer.shared().newDatabase()
    let name = String(url.split(separator: "/").last ?? "")
    let store = try PostgresStore(url: url, poolSize: 4, listen: false)
    try await account(store)
    // Fill the pool with idle connections.
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<8 { group.addTask { _ = try await store.user(id: "us-1") } }
      try await group.waitForAll()
    }
    _ = try PostgresServer.shared().sql(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)' AND pid <> pg_backend_pid()",
      database: name)
    try await Task.sleep(for: .milliseconds(200))
    var failures: [String] = []
    for _ in 0..<8 {
      do { _ = try await store.user(id: "us-1") } catch { failures.append("\(error)") }
    }
    #expect(failures.isEmpty, "\(failures)")
    await store.close()
  }

  /// A database that stops answering without closing the connection (here its backend process is
  /// stopped with SIGSTOP; a frozen host looks the same) must not hold a call forever: the reply
  /// wait ends at the session's statement_timeout plus a grace, the connection is dropped, and the
  /// next call gets a new one.
  @Test func aFrozenDatabaseConnectionIsGivenUpAfterTheStatementTimeout() async throws {
    let base = try PostgresServer.shared().newDatabase()
    let name = String(base.split(separator: "/").last ?? "")
    let store = try PostgresStore(url: base + "?options=-c%20statement_timeout%3D500", poolSize: 1, listen: false)
    try await account(store)
    let pids = try PostgresServer.shared().sql(
      "SELECT pid FROM pg_stat_activity WHERE application_name = 'modal-server' AND datname = '\(name)'",
      database: "postgres"
    ).split(whereSeparator: \.isNewline).compactMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
    try #require(pids.count == 1, "\(pids)")
    #expect(kill(pids[0], SIGSTOP) == 0)
    defer { kill(pids[0], SIGCONT) }
    let started = Date()
    let error = await serverError { _ = try await store.user(id: "us-1") }
    let waited = Date().timeIntervalSince(started)
    #expect(error?.code == .unavailable)
    #expect(error?.message.contains("did not answer within 2.5 seconds") == true, "\(String(describing: error))")
    #expect(waited >= 2 && waited < 10, "waited \(waited) s")
    // The pool dropped the frozen connection: the next call opens a new one and works.
    #expect(try await store.user(id: "us-1")?.id == "us-1")
    await store.close()
  }

  @Test func badURLsAndUnreachableDatabasesAreClearErrors() async throws {
    do {
      _ = try PostgresStore(url: "postgres://modal@127.0.0.1:1/none", listen: false)
      Issue.record("connected to nothing")
    } catch {
      #expect(error.code == .unavailable)
      #expect(error.message.contains("Could not connect to PostgreSQL"))
    }
    // Passwords with characters that should have been percent-encoded: libpq quotes the pieces it
    // could not use, which must never reach the log.
    for (url, secret) in [
      ("postgres://modal:S3cretPW%zz@127.0.0.1:1/none", "S3cretPW"),
      ("postgres://modal:Pa@ssw0rdSecret@127.0.0.1:1/none", "ssw0rdSecret"),
      ("postgres://modal:Pa/ssw0rdSecret@127.0.0.1:1/none", "ssw0rdSecret"),
      ("host=127.0.0.1 port=1 user=modal password=Hunter2Secret dbname=x", "Hunter2Secret"),
    ] {
      do {
        _ = try PostgresStore(url: url, listen: false)
        Issue.record("connected with \(url)")
      } catch {
        #expect(error.message.contains("Could not connect to PostgreSQL"), "\(error.message)")
        #expect(!error.message.contains(secret) && !error.message.contains(String(secret.dropFirst(2))), "\(error.message)")
      }
    }
  }
}

/// Events received by a subscriber, for assertions.
final class EventLog: @unchecked Sendable {
  private let lock = NSLock()
  private var events: [StoreEvent] = []
  func append(_ event: StoreEvent) { lock.withLock { events.append(event) } }
  func contains(_ event: StoreEvent) -> Bool { lock.withLock { events.contains(event) } }
  var all: [StoreEvent] { lock.withLock { events } }
}

/// Polls `condition` every 10 ms for up to `seconds`; fails with `what` if it never holds.
func waitUntil(_ what: String, seconds: Double = 10, _ condition: () -> Bool) async throws {
  let end = Date().addingTimeInterval(seconds)
  while Date() < end {
    if condition() { return }
    try await Task.sleep(for: .milliseconds(10))
  }
  Issue.record("timed out waiting until \(what)")
  throw ServerError(.internal, "timed out waiting until \(what)")
}
