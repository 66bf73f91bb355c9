extension Dashboard {
  /// How far back the dashboard looks for the user's leaked tokens.
  static let leakNoticeDays: Int64 = 30

  /// A warning for each of `user`'s tokens revoked in the last 30 days because its secret was
  /// found in public (`token.leak_revoked`), read from the audit log of their workspaces. The
  /// place is shown as text, never as a link: it came from the reporter.
  func leakNotices(for user: User, in workspaces: [WorkspaceID]) async throws -> HTML {
    var notices: [HTML] = []
    let since = backend.dependencies.clock.now().adding(seconds: -Self.leakNoticeDays * 86_400)
    for workspaceID in workspaces {
      var query = AuditQuery(workspaceID: workspaceID)
      query.actions = [AuditAction.tokenLeakRevoked.rawValue]
      query.since = since
      query.limit = 20
      for entry in try await backend.dependencies.store.auditEntries(query) where entry.subjectUserID == user.id {
        let place = entry.detail["url"].flatMap { $0.isEmpty ? nil : $0 } ?? "an unnamed place"
        let name = entry.target.name.isEmpty ? "" : " (“\(entry.target.name)”)"
        notices.append(
          """
          <p class="notice error" role="alert">A token of yours, <code>\(entry.target.id)</code>\(name), was found \
          public at <code>\(place)</code> and revoked on \(HTML.time(entry.time)). Remove the secret from \
          there and create a new token with <code>modal token new</code>.</p>
          """)
      }
    }
    return "\(notices)"
  }
}
