import CommandLineKit
import Modal

/// `modal profile list|current|activate`: which profiles exist and which one is in use.
enum ProfileCommands {
  static let group = CommandSpec(
    name: "profile", abstract: "Switch between Modal profiles.", subcommands: [list, current, activate])

  static let list = CommandSpec(
    name: "list", abstract: "Show all Modal profiles and highlight the active one.",
    options: [CommonOptions.json]
  ) { invocation in
    let config = try ModalConfig(host: invocation.host, profile: invocation.profile)
    let names = config.file.profileNames
    let workspaces = await WorkspaceLookup(invocation: invocation, config: config).profileWorkspaces(names)
    let rows = names.map { (name: $0, active: $0 == config.profileName, workspace: workspaces[$0] ?? "") }
    var environmentWorkspace: String?
    if !TokenCommands.credentialVariablesSet(in: invocation.host).isEmpty {
      environmentWorkspace = await WorkspaceLookup(invocation: invocation, config: config).environmentWorkspace()
    }
    if invocation[CommonOptions.json] {
      let items = rows.map { row in
        JSONValue.object([
          ("name", .string(row.name)), ("workspace", .string(row.workspace)), ("active", .bool(row.active)),
          ("secret_storage", .string(config.file.profile(row.name).map(ProfileSecretLocation.place(of:)) ?? "none")),
        ])
      }
      invocation.console.write(JSONValue.array(items).rendered() + "\n")
      return 0
    }
    let table = TableRenderer(
      columns: ["  Profile", "Workspace"], rows: rows.map { [($0.active ? "• " : "  ") + $0.name, $0.workspace] })
    invocation.console.write(table.rendered())
    if let environmentWorkspace {
      invocation.console.write("Using \(environmentWorkspace) workspace based on environment variables\n")
    }
    return 0
  }

  static let why = Flag("--why", help: "Also say where the choice came from.")

  static let current = CommandSpec(
    name: "current", abstract: "Print the currently active Modal profile.",
    discussion: """
      The profile is, in this order: the one --profile names, else MODAL_PROFILE, else the one the
      nearest .modal-profile file names (in this folder or one above; Python's client ignores it),
      else the one marked active = true in the config file, else `default`. With --why, a second
      line says which of these decided.
      """,
    options: [why]
  ) { invocation in
    let config = try ModalConfig(host: invocation.host, profile: invocation.profile)
    invocation.console.write(config.profileName + "\n")
    if invocation[why] {
      let reason = config.selection.explanation
      invocation.console.write(config.selection.reason == .activeFlag ? "\(reason) (\(config.file.path))\n" : reason + "\n")
    }
    return 0
  }

  static let profileName = Argument<String>("PROFILE", help: "The profile to make active.")

  static let activate = CommandSpec(
    name: "activate", abstract: "Change the active Modal profile.",
    arguments: [profileName]
  ) { invocation in
    let name = invocation[profileName]
    let writer = ConfigWriter(host: invocation.host)
    try writer.activateProfile(name)
    invocation.console.write("Active profile: \(name)\n")
    let config = try ModalConfig(host: invocation.host, profile: name)
    var environment = try config.string(.environment) ?? ""
    if environment.isEmpty {
      // As in Python: ask the server for the workspace's default environment, silently.
      environment = await WorkspaceLookup(invocation: invocation, config: config).defaultEnvironment(profile: name) ?? ""
    }
    if !environment.isEmpty {
      invocation.console.write("Active environment: \(environment)\n")
    }
    return 0
  }
}
