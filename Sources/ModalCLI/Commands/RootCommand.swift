import CommandLineKit

/// The whole `modal` command tree.
enum RootCommand {
  /// Builds the tree: `config`, `doctor`, `environment`, `profile`, `secret`, `setup` and `token`.
  static func make() -> CommandSpec {
    CommandSpec(
      name: "modal", abstract: "Modal command line: log in, manage tokens, profiles and configuration.",
      discussion: "Credentials come from --profile or MODAL_PROFILE, MODAL_TOKEN_ID/MODAL_TOKEN_SECRET,\nor the active profile of ~/.modal.toml (moved by MODAL_CONFIG_PATH).",
      subcommands: [
        ConfigCommands.group, DoctorCommand.spec, EnvironmentCommands.group, ProfileCommands.group, SecretCommands.group,
        LoginCommands.setup, TokenCommands.group, WorkspaceCommands.group,
      ],
      globalOptions: [CommonOptions.profile])
  }
}
