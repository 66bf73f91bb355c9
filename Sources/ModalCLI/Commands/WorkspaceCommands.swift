import CommandLineKit

/// `modal workspace`: the administration of the current workspace, as Python 1.6.4 groups it (plus
/// `audit-log`, modal-swift's own). Each subgroup lives in its own file; the list keeps one
/// subgroup per line so that adding one is a one-line change.
enum WorkspaceCommands {
  static let group = CommandSpec(
    name: "workspace", abstract: "Interact with the current Modal Workspace.",
    discussion: """
      A Workspace is the top-level account that owns your Modal resources. Use these commands
      to manage its members, service users, tokens, proxy tokens and settings, and to read its audit log.
      """,
    subcommands: [
      WorkspaceMemberCommands.group,
      ServiceUserCommands.group,
      WorkspaceMemberTokenCommands.group,
      ProxyTokenCommands.group,
      WorkspaceSettingsCommands.group,
      AuditLogCommands.auditLog,
    ])
}
