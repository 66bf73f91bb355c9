/// The workspace setting that requires a fresh second factor before a dashboard user approves a
/// `modal setup` login or creates a token there (RFC 8628 §5.4: a device code sent by someone else
/// is a phishing path; a second factor proved just now stops a stolen session or password alone).
extension SecondFactorService {
  /// How recently the approving user must have proved a second factor, in seconds.
  package static let freshness: Int64 = 10 * 60

  /// Whether `workspace` requires a fresh second factor for approvals and new tokens.
  package func isRequired(in workspace: Workspace) async throws(ServerError) -> Bool {
    try await dependencies.store.requiresSecondFactor(workspaceID: workspace.id)
  }

  /// Turns the requirement on or off; only owners of the workspace may (`permissionDenied`).
  package func setRequired(_ required: Bool, by caller: SessionCaller) async throws(ServerError) {
    guard caller.role == .owner else {
      throw ServerError(
        .permissionDenied,
        "Only owners of workspace '\(caller.workspace.name)' can change whether it requires a second factor.")
    }
    try await dependencies.store.setRequiresSecondFactor(workspaceID: caller.workspace.id, required)
  }

  /// Whether a second factor proved at `provedAt` is recent enough (within `freshness`).
  package func isFresh(_ provedAt: UnixTime?) -> Bool {
    guard let provedAt else { return false }
    return provedAt.adding(seconds: Self.freshness) > dependencies.clock.now()
  }
}
