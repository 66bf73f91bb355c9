import CSQLite
import Foundation
import ModalServer
import Testing
import TestSupport
import ModalAPI
import ProtoWire
import RPC

@Suite struct StoreTests {
  @Test func migrationsApplyOnceAndRecordTheVersion() async throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/db.sqlite3"
    let store = try SQLiteStore(path: path)
    #expect(try await store.schemaVersion() == StoreSchema.latestVersion)
    await store.close()
    // Reopening applies nothing twice (CREATE TABLE would fail) and keeps the version.
    let again = try SQLiteStore(path: path)
    #expect(try await again.schemaVersion() == StoreSchema.latestVersion)
    await again.close()
    #expect(sqlite(path, "SELECT COUNT(*) FROM schema_migrations") == "\(StoreSchema.migrations.count)")
    #expect(sqlite(path, "PRAGMA journal_mode") == "wal")
  }

  @Test func aDatabaseNewerThanTheCodeIsRefused() async throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/db.sqlite3"
    await (try SQLiteStore(path: path)).close()
    _ = sqlite(path, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)")
    do {
      _ = try SQLiteStore(path: path)
      Issue.record("opened a database from the future")
    } catch {
      #expect(error.code == .failedPrecondition)
      #expect(error.message.contains("schema version 999"))
    }
  }

  @Test func everyTableRoundTrips() async throws {
    let folder = TemporaryFolder()
    let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
    let now = UnixTime(microseconds: 1_700_000_000_000_000)
    let user = User(id: "us-1", email: "A@Example.com", passwordHash: nil, createdAt: now)
    let workspace = Workspace(id: "ac-1", name: "acme", kind: .shared, createdAt: now)
    let environment = Environment(id: "en-1", workspaceID: "ac-1", name: "main", isDefault: true, webhookSuffix: "", createdAt: now)
    let token = TokenRecord(
      id: "ak-1", workspaceID: "ac-1", owner: .user(id: "us-1"), createdByUserID: "us-1", name: "t", secretHash: "00",
      hashKeyID: "k", secretHint: "abcd", scopes: try ScopeSet(parsing: "read,secrets:write"), createdAt: now,
      expiresAt: now.adding(seconds: 60))
    try await store.createAccount(user: user, workspace: workspace, environment: environment, token: token)

    #expect(try await store.user(email: "a@example.com")?.id == "us-1")
    #expect(try await store.user(id: "us-1")?.email == "a@example.com")
    try await store.setPasswordHash(userID: "us-1", hash: "$argon2id$x")
    #expect(try await store.user(id: "us-1")?.passwordHash == "$argon2id$x")
    #expect(try await store.workspace(name: "acme") == workspace)
    #expect(try await store.membership(workspaceID: "ac-1", userID: "us-1")?.role == .owner)
    #expect(try await store.workspaces(userID: "us-1").map(\.workspace.id) == ["ac-1"])
    #expect(try await store.environments(workspaceID: "ac-1") == [environment])
    #expect(try await store.token(id: "ak-1") == token)

    let bob = User(id: "us-2", email: "bob@example.com", passwordHash: nil, createdAt: now)
    try await store.insertUser(bob)
    try await store.upsertMembership(Membership(workspaceID: "ac-1", userID: "us-2", role: .member, createdAt: now))
    try await store.upsertMembership(Membership(workspaceID: "ac-1", userID: "us-2", role: .manager, createdAt: now))
    #expect(try await store.memberships(workspaceID: "ac-1").map(\.role) == [.owner, .manager])
    let robot = ServiceUser(id: "su-1", workspaceID: "ac-1", name: "ci", role: .member, createdByUserID: "us-1", createdAt: now)
    try await store.insertServiceUser(robot)
    #expect(try await store.serviceUser(id: "su-1") == robot)

    #expect(try await store.revokeToken(id: "ak-1", at: now))
    #expect(try await store.revokeToken(id: "ak-1", at: now) == false)
    try await store.recordUsage(tokens: ["ak-1": now.adding(seconds: 5)], secrets: [:])
    try await store.recordUsage(tokens: ["ak-1": now.adding(seconds: 1)], secrets: [:])  // never moves backwards
    #expect(try await store.token(id: "ak-1")?.lastUsedAt == now.adding(seconds: 5))

    let dev = Environment(id: "en-2", workspaceID: "ac-1", name: "dev", isDefault: false, webhookSuffix: "dev", createdAt: now)
    try await store.insertEnvironment(dev)
    try await store.updateEnvironment(id: "en-2", name: "staging", webhookSuffix: "stg")
    #expect(try await store.environment(id: "en-2")?.name == "staging")
    #expect(try await store.environment(workspaceID: "ac-1", name: "staging")?.webhookSuffix == "stg")

    let secret = SecretRecord(
      id: "st-1", workspaceID: "ac-1", environmentID: "en-2", name: "db", keys: ["A", "B"], createdBy: "a@example.com",
      createdAt: now, updatedAt: now)
    let stored = try await store.insertSecret(secret, values: SealedValues(keyID: "k", ciphertext: [0xab, 0xcd]))
    #expect(try await store.secret(id: "st-1") == stored)
    #expect(try await store.secret(environmentID: "en-2", name: "db")?.keys == ["A", "B"])
    try await store.replaceSecretValues(id: "st-1", keys: ["C"], values: SealedValues(keyID: "k", ciphertext: [0x00, 0xef]), replacing: nil, at: now)
    #expect(try await store.secretValues(id: "st-1") == SealedValues(keyID: "k", ciphertext: [0x00, 0xef]))
    #expect(try await store.secrets(environmentID: "en-2", createdBefore: nil, limit: 10).map(\.keys) == [["C"]])
    try await store.deleteEnvironment(id: "en-2")
    #expect(try await store.secret(id: "st-1") == nil)

    let flow = TokenFlowRecord(
      id: "tf-1", code: "BCDFGHJK", waitSecretHash: "00", hashKeyID: "k", createdAt: now, expiresAt: now.adding(seconds: 600),
      tokenLifetimeSeconds: 3600, localhostPort: 1234, utmSource: "x", nextURL: "/home", requestingNode: "vm",
      requestingPeer: "ipv4:127.0.0.1:1")
    try await store.insertFlow(flow)
    #expect(try await store.pendingFlow(code: "BCDFGHJK", now: now)?.id == "tf-1")
    #expect(try await store.pendingFlow(code: "BCDFGHJK", now: now.adding(seconds: 601)) == nil)
    #expect(try await store.approveFlow(id: "tf-1", userID: "us-1", workspaceID: "ac-1", at: now))
    #expect(try await store.approveFlow(id: "tf-1", userID: "us-1", workspaceID: "ac-1", at: now) == false)
    var minted = token
    minted.id = "ak-2"
    minted.revokedAt = nil
    #expect(try await store.consumeFlow(id: "tf-1", token: minted, at: now) == .consumed)
    #expect(try await store.consumeFlow(id: "tf-1", token: minted, at: now) == .notApproved)
    #expect(try await store.flow(id: "tf-1")?.state == .consumed)
    #expect(try await store.flow(id: "tf-1")?.tokenID == "ak-2")

    let session = SessionRecord(idHash: "ff", userID: "us-1", createdAt: now, expiresAt: now.adding(seconds: 60))
    try await store.insertSession(session)
    #expect(try await store.session(idHash: "ff") == session)
    try await store.deleteSession(idHash: "ff")
    #expect(try await store.session(idHash: "ff") == nil)
    await store.close()
  }

  /// The database remembers the fingerprints of the keys it was written with: an edited or foreign
  /// key file is told apart, and a rotation (new key first, old key kept) is accepted.
  @Test func keyRegistrationTellsTheRightKeyFileFromOthers() async throws {
    let folder = TemporaryFolder()
    let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
    let now = UnixTime(date: Date())
    let first = ServerKeys(keys: [(id: "kA", master: Array(repeating: 1, count: 32))])
    let edited = ServerKeys(keys: [(id: "kA", master: Array(repeating: 2, count: 32))])
    let foreign = ServerKeys(keys: [(id: "kB", master: Array(repeating: 3, count: 32))])
    let rotated = ServerKeys(keys: [(id: "kC", master: Array(repeating: 4, count: 32)), (id: "kA", master: Array(repeating: 1, count: 32))])
    let afterRotation = ServerKeys(keys: [(id: "kC", master: Array(repeating: 4, count: 32))])
    #expect(try await store.registerKeys(first.fingerprints, at: now) == .accepted)
    #expect(try await store.registerKeys(first.fingerprints, at: now) == .accepted)
    #expect(try await store.registerKeys(edited.fingerprints, at: now) == .differs(keyID: "kA"))
    #expect(try await store.registerKeys(foreign.fingerprints, at: now) == .unknown(known: ["kA"]))
    #expect(try await store.registerKeys(rotated.fingerprints, at: now) == .accepted)
    #expect(try await store.registerKeys(afterRotation.fingerprints, at: now) == .accepted)
    #expect(first.fingerprints[0].fingerprint != edited.fingerprints[0].fingerprint)
    #expect(!first.fingerprints[0].fingerprint.contains(Hex.encode(Array(repeating: 1, count: 32))))
    await store.close()
  }

  @Test func uniquenessConflictsAreAlreadyExists() async throws {
    let folder = TemporaryFolder()
    let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
    let user = User(id: "us-1", email: "a@example.com", passwordHash: nil, createdAt: UnixTime(microseconds: 0))
    try await store.insertUser(user)
    var twin = user
    twin.id = "us-2"
    let error = await serverError { try await store.insertUser(twin) }
    #expect(error?.code == .alreadyExists)
    await store.close()
  }

  @Test func concurrentSecretCreationsGetDistinctCreationTimes() async throws {
    try await withHarness { harness in
      let caller = try await harness.backend.tokens.authenticate(id: harness.owner.id, secret: harness.owner.secret)
      try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<40 {
          group.addTask {
            _ = try await harness.backend.secrets.getOrCreate(
              name: "s\(index)", environmentName: "", mode: .createFailIfExists, values: ["K": "\(index)"], requiredKeys: [],
              for: caller)
          }
        }
        try await group.waitForAll()
      }
      let environment = try await harness.backend.environments.resolve("", in: harness.workspace)
      let all = try await harness.store.secrets(environmentID: environment.id, createdBefore: nil, limit: 1000)
      #expect(all.count == 40)
      #expect(Set(all.map(\.createdAt)).count == 40)
    }
  }

  @Test func acknowledgedWritesSurviveSIGKILL() async throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data"
    let boot = try runServerCommand(["bootstrap", "--data-dir", data, "--email", "k@example.com", "--workspace", "kill", "--json"])
    #expect(boot.status == 0, "\(boot.stderr)")
    let credentials = try bootstrapCredentials(boot.stdout)
    let server = ModalServerProcess(dataDirectory: data, logPath: folder.path + "/serve.log")
    try server.start()
    let channel = try RPC.Channel(url: server.url)
    for index in 0..<25 {
      var request = SecretGetOrCreateRequest()
      request.deploymentName = "durable-\(index)"
      request.objectCreationType = .createFailIfExists
      request.envDict = ["K": "v\(index)"]
      _ = try await channel.unary(
        path: ModalClientMethods.secretGetOrCreate.path, request: request.serializedBytes(), metadata: credentials.metadata)
    }
    // The last write was acknowledged; kill at once, with no chance to flush or checkpoint.
    server.stop(.kill)
    #expect(server.terminationReason == .uncaughtSignal)
    let store = try SQLiteStore(path: SQLiteStore.path(dataDirectory: data))
    let workspace = try #require(try await store.workspace(name: "kill"))
    let environment = try #require(try await store.environment(workspaceID: workspace.id, name: "main"))
    let secrets = try await store.secrets(environmentID: environment.id, createdBefore: nil, limit: 100)
    #expect(Set(secrets.compactMap(\.name)) == Set((0..<25).map { "durable-\($0)" }))
    await store.close()
  }
}

/// Runs one SQL statement with the sqlite3 C API and returns the first column of the first row.
func sqlite(_ path: String, _ sql: String) -> String? {
  var db: OpaquePointer?
  guard sqlite3_open(path, &db) == SQLITE_OK else { return nil }
  defer { sqlite3_close(db) }
  var statement: OpaquePointer?
  guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { return nil }
  defer { sqlite3_finalize(statement) }
  guard sqlite3_step(statement) == SQLITE_ROW, let text = sqlite3_column_text(statement, 0) else { return nil }
  return String(cString: text)
}

/// The credentials printed by `bootstrap --json` / `token create --json`.
func bootstrapCredentials(_ json: String) throws -> Credentials {
  let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
  return Credentials(id: try #require(object["token_id"] as? String), secret: try #require(object["token_secret"] as? String))
}
