import Foundation
import ModalServer
import Testing

/// Checks of the audit log's store methods that both databases must pass (`AuditStoreTests` runs
/// them on SQLite, `AuditPostgresTests` on PostgreSQL).
enum AuditStoreChecks {
  static let now = UnixTime(microseconds: 1_700_000_000_000_000)
  static let actor = AuditActor(kind: .user, id: "us-a", name: "a@example.com", address: "192.0.2.1", source: "web")

  static func account(_ store: some Store) async throws {
    try await store.createAccount(
      user: User(id: "us-a", email: "a@example.com", passwordHash: nil, createdAt: now),
      workspace: Workspace(id: "ac-a", name: "wa", kind: .shared, createdAt: now),
      environment: Environment(
        id: "en-a", workspaceID: "ac-a", name: "main", isDefault: true, webhookSuffix: "", createdAt: now),
      token: nil)
  }

  static func token(_ id: TokenID) -> TokenRecord {
    TokenRecord(
      id: id, workspaceID: "ac-a", owner: .user(id: "us-a"), createdByUserID: "us-a", name: "t", secretHash: "00",
      hashKeyID: "k", secretHint: "abcd", scopes: .all, createdAt: now, expiresAt: nil)
  }

  static func entry(_ action: AuditAction, _ target: String = "x", address: String = "192.0.2.1", at time: UnixTime = now)
    -> AuditEntry
  {
    var actor = actor
    actor.address = address
    return AuditEntry(action, by: actor, target: AuditTarget(kind: "token", id: target), workspaceID: "ac-a", at: time)
  }

  static func all(_ store: some Store) async throws -> [AuditEntry] {
    var query = AuditQuery(workspaceID: nil)
    query.oldestFirst = true
    query.limit = 10_000
    return try await store.auditEntries(query)
  }

  /// A change and its entry are committed together: an entry is written when the change is made,
  /// not when it is refused, not twice for a repeated revocation, and not when the transaction fails.
  static func changesAndEntriesGoTogether(_ store: some Store) async throws {
    try await account(store)
    try await store.insertToken(token("ak-1"), audit: entry(.tokenCreated, "ak-1"))
    #expect(try await store.revokeToken(id: "ak-1", at: now, audit: entry(.tokenRevoked, "ak-1")))
    #expect(try await !store.revokeToken(id: "ak-1", at: now, audit: entry(.tokenRevoked, "ak-1")))
    // A duplicate id fails the insert: its entry must not survive the rolled-back transaction.
    let failed = await serverError { try await store.insertToken(token("ak-1"), audit: entry(.tokenCreated, "again")) }
    #expect(failed?.code == .alreadyExists)
    #expect(try await store.deleteSecret(id: "st-none", audit: entry(.secretDeleted, "st-none")) == false)
    let change = try await store.setRole(workspaceID: "ac-a", userID: "us-nobody", role: .manager, audit: entry(.memberRoleChanged))
    #expect(change == .notMember)
    let entries = try await all(store)
    #expect(entries.map(\.action) == [.tokenCreated, .tokenRevoked])
    #expect(entries.map(\.target.id) == ["ak-1", "ak-1"])
    #expect(entries.map(\.sequence) == [1, 2])
    #expect(entries.first?.actor == actor && entries.first?.workspaceID == "ac-a")
  }

  /// Concurrent writers get distinct positions that follow commit order.
  static func concurrentEntriesGetDistinctPositions(_ store: some Store) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      for index in 0..<20 { group.addTask { try await store.recordAudit(entry(.signInFailed, "t\(index)")) } }
      try await group.waitForAll()
    }
    let entries = try await all(store)
    #expect(entries.count == 20)
    #expect(Set(entries.map(\.sequence)).count == 20)
    #expect(entries.map(\.sequence) == Array(1...20))
  }

  /// A flood from one address adds at most `limit` rows a minute; the rest are counted.
  static func floodsAreCoalesced(_ store: some Store) async throws {
    for _ in 0..<25 { try await store.recordAudit(entry(.signInFailed, address: "198.51.100.1"), coalescingAfter: 5) }
    try await store.recordAudit(entry(.signInFailed, address: "198.51.100.2"), coalescingAfter: 5)
    // The next minute starts a new allowance.
    try await store.recordAudit(entry(.signInFailed, address: "198.51.100.1", at: now.adding(seconds: 60)), coalescingAfter: 5)
    let entries = try await all(store)
    let first = entries.filter { $0.actor.address == "198.51.100.1" }
    #expect(first.count == 6)
    #expect(first.map(\.count).reduce(0, +) == 26)
    #expect(first.prefix(5).last?.count == 21)
    #expect(entries.filter { $0.actor.address == "198.51.100.2" }.map(\.count) == [1])
  }

  /// Filters, pages and counts.
  static func queriesFilterPageAndCount(_ store: some Store) async throws {
    try await account(store)
    for index in 0..<5 {
      try await store.recordAudit(entry(.secretCreated, "s\(index)", at: now.adding(seconds: Int64(index))))
    }
    try await store.recordAudit(entry(.tokenCreated, "t"))
    var query = AuditQuery(workspaceID: "ac-a")
    query.actions = ["secret.*"]
    #expect(try await store.auditCount(query) == 5)
    query.limit = 2
    let page = try await store.auditEntries(query)
    #expect(page.map(\.target.id) == ["s4", "s3"])
    query.beforeSequence = page.last?.sequence
    #expect(try await store.auditEntries(query).map(\.target.id) == ["s2", "s1"])
    query = AuditQuery(workspaceID: "ac-a")
    query.since = now.adding(seconds: 3)
    #expect(try await store.auditCount(query) == 2)
    query = AuditQuery(workspaceID: "ac-a")
    query.actions = ["token.created"]
    query.actor = "A@example.com"
    #expect(try await store.auditCount(query) == 1)
    #expect(try await store.auditCount(AuditQuery(workspaceID: "ac-other")) == 0)
    #expect(try await store.pruneAudit(before: now.adding(seconds: 2)) == 3)
    #expect(try await store.auditCount(AuditQuery(workspaceID: nil)) == 3)
  }

  /// The first address a token is used from is not news; a later new one is recorded once.
  static func newAddressesAreRecordedOnce(_ store: some Store) async throws {
    try await account(store)
    try await store.insertToken(token("ak-2"))
    let news = entry(.tokenUsedFromNewAddress, "ak-2")
    #expect(try await !store.noteTokenAddress("ak-2", address: "192.0.2.1", at: now, audit: news))
    #expect(try await !store.noteTokenAddress("ak-2", address: "192.0.2.1", at: now, audit: news))
    #expect(try await store.noteTokenAddress("ak-2", address: "192.0.2.9", at: now, audit: news))
    #expect(try await !store.noteTokenAddress("ak-2", address: "192.0.2.9", at: now, audit: news))
    #expect(try await !store.noteTokenAddress("ak-gone", address: "192.0.2.9", at: now, audit: news))
    #expect(try await all(store).map(\.action) == [.tokenUsedFromNewAddress])
  }
}
