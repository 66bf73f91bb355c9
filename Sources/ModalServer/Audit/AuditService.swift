import ModalAPI

/// Reads and keeps the audit log: what the `AuditLog*` RPCs, the dashboard's audit page, the
/// `modal-server audit export` command and the sign-in pages call. Recording a change happens in
/// the services that make it (their store calls take an `AuditEntry`); this records only events
/// that change nothing else.
package struct AuditService: Sendable {
  let dependencies: Dependencies

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// The most entries one page holds.
  package static let maximumPageSize = 500
  /// The page size when a request names none.
  package static let defaultPageSize = 100

  /// Checks that `caller` may read its workspace's log: managers and owners, with a token that can read.
  package func checkReader(_ caller: some WorkspaceCaller, for method: String) throws(ServerError) {
    try caller.require(.read, role: .manager, for: method)
  }

  /// One page of the caller's workspace log, newest first: `query`'s filters, its workspace replaced
  /// by the caller's, its limit clamped to 1...`maximumPageSize` (0 means `defaultPageSize`).
  package func page(_ query: AuditQuery, for caller: some WorkspaceCaller, method: String) async throws(ServerError)
    -> [AuditEntry]
  {
    try checkReader(caller, for: method)
    var query = query
    query.workspaceID = caller.workspace.id
    query.limit = query.limit <= 0 ? Self.defaultPageSize : min(query.limit, Self.maximumPageSize)
    query.oldestFirst = false
    return try await dependencies.store.auditEntries(query)
  }

  /// How many entries of the caller's workspace log `query` selects.
  package func count(_ query: AuditQuery, for caller: some WorkspaceCaller, method: String) async throws(ServerError) -> Int {
    try checkReader(caller, for: method)
    var query = query
    query.workspaceID = caller.workspace.id
    return try await dependencies.store.auditCount(query)
  }

  /// Every entry `query` selects, oldest first, in batches (the operator's export; no caller:
  /// whoever can read the data folder can read the database).
  package func export(_ query: AuditQuery, batch: Int = 1000, _ each: (AuditEntry) throws -> Void) async throws {
    var query = query
    query.oldestFirst = true
    query.limit = batch
    while true {
      let entries = try await dependencies.store.auditEntries(query)
      for entry in entries { try each(entry) }
      guard entries.count == batch, let last = entries.last else { return }
      query.fromSequence = last.sequence + 1
    }
  }

  /// Records a refused or failed dashboard sign-in from `peer`. Only an account that exists is
  /// named (an unknown "email" may be a password typed in the wrong field); failures from one
  /// address beyond `ServerSettings.auditFailuresPerMinute` in a minute are counted on the last
  /// entry instead of adding rows.
  package func signInFailed(account: String, user: User?, peer: String, reason: String) async throws(ServerError) {
    let actor = AuditActor(
      kind: .anonymous, id: "", name: user?.email ?? "", address: FlowStartLimiter.address(of: peer), source: "web")
    let target = user.map(AuditTarget.user) ?? AuditTarget(kind: "user", id: "", name: "(unknown account)")
    let entry = AuditEntry(
      .signInFailed, by: actor, target: target, workspaceID: nil, at: dependencies.clock.now(), outcome: .error,
      detail: ["reason": reason], subjectUserID: user?.id)
    try await dependencies.store.recordAudit(entry, coalescingAfter: max(1, dependencies.settings.auditFailuresPerMinute))
  }

  /// Deletes entries older than the retention (`ServerSettings.auditRetention`; 0 keeps them all).
  package func prune() async throws(ServerError) {
    let retention = dependencies.settings.auditRetention
    guard retention > 0 else { return }
    _ = try await dependencies.store.pruneAudit(before: dependencies.clock.now().adding(seconds: -retention))
  }
}
