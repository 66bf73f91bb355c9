import ModalAPI
import ProtoWire

/// Disabling and enabling tokens (`TokenDisable`, `TokenEnable`, the dashboard's member tokens
/// page): a disabled token is refused with its own message until it is enabled again, unlike a
/// revoked (deleted) one, which is gone for good.
extension TokenService {
  /// Whether `caller` may see and manage `token`: their own tokens, and as manager or owner every
  /// token of the workspace (Python 1.6.4's help: "Workspace Managers and Owners can see all tokens").
  package static func manages(_ token: TokenRecord, caller: some WorkspaceCaller) -> Bool {
    token.workspaceID == caller.workspace.id && (token.owner == caller.owner || caller.role >= .manager)
  }

  /// Disables (`disabled`) or enables the tokens `ids` for `caller`, all in one transaction, each
  /// change with its `token.disabled`/`token.enabled` entry; returns the ids that changed
  /// (repeating a change is no error, as in Modal). Own tokens always; others' as manager or
  /// owner with the `tokens` scope. An id the caller may not see is `notFound` and nothing changes;
  /// a deleted token cannot be enabled.
  @discardableResult
  package func setDisabled(_ ids: [TokenID], disabled: Bool, by caller: some WorkspaceCaller) async throws(ServerError)
    -> [TokenID]
  {
    let method = disabled ? ModalClientMethods.tokenDisable.methodName : ModalClientMethods.tokenEnable.methodName
    if ids.contains(where: { $0 != caller.tokenID }) { try caller.require(.tokens, role: .member, for: method) }
    var seen = Set<TokenID>()
    var tokens: [TokenRecord] = []
    for id in ids where seen.insert(id).inserted {
      guard let token = try await dependencies.store.token(id: id), Self.manages(token, caller: caller) else {
        throw ServerError(.notFound, "No token \(id) in workspace '\(caller.workspace.name)'.")
      }
      if !disabled, let revokedAt = token.revokedAt {
        throw ServerError(
          .failedPrecondition,
          "Token \(id) was deleted at \(revokedAt) and cannot be enabled again. Create a new token with `modal token new`.")
      }
      tokens.append(token)
    }
    let now = dependencies.clock.now()
    let action: AuditAction = disabled ? .tokenDisabled : .tokenEnabled
    var entries: [TokenID: AuditEntry] = [:]
    for token in tokens {
      entries[token.id] = AuditEntry(
        action, by: caller.auditActor, target: .token(token.id, name: token.name), workspaceID: token.workspaceID, at: now)
    }
    return try await dependencies.store.setTokensDisabled(tokens.map(\.id), at: disabled ? now : nil, audit: entries)
  }

  /// The refusal of a disabled token: its own words, so its holder knows it can come back.
  static func disabledError(_ token: TokenRecord, at disabledAt: UnixTime) -> ServerError {
    ServerError(
      .unauthenticated,
      "Token \(token.id) was disabled at \(disabledAt). A workspace manager or owner can enable it again with "
        + "`modal workspace member-tokens enable \(token.id)`; until then use another token.")
  }
}
