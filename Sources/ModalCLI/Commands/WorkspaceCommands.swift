import CommandLineKit

/// `modal workspace`: the administration of the current workspace. Each subgroup lives in its own
/// file; the list below keeps one subgroup per line so that adding one is a one-line change.
enum WorkspaceCommands {
  static let group = CommandSpec(
    name: "workspace", abstract: "Manage the current Workspace.",
    subcommands: [
      WorkspaceMemberCommands.group,
      WorkspaceSettingsCommands.group,
      WorkspaceMemberTokenCommands.group,
    ])
}
