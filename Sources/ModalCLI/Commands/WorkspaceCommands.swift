import CommandLineKit

/// `modal workspace`: the workspace's administration, as Python 1.6.4 groups it. Only
/// `proxy-tokens` so far; members, service users, member tokens and settings join it (issue 14).
enum WorkspaceCommands {
  static let group = CommandSpec(
    name: "workspace", abstract: "Interact with the current Modal Workspace.",
    discussion: """
      A Workspace is the top-level account that owns your Modal resources. Use these commands
      to manage workspace-level settings such as proxy tokens.
      """,
    subcommands: [ProxyTokenCommands.group])
}
