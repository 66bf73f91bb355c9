import Modal

/// `modal profile list|current|activate`: which profiles exist and which one is in use.
enum ProfileCommands {
  static let group = CommandSpec(
    name: "profile", abstract: "Switch between Modal profiles.", subcommands: [list, current, activate])

  static let list = CommandSpec(
    name: "list", abstract: "Show all Modal profiles and highlight the active one.",
    options: [OptionSpec("--json", help: "Print JSON.")]
  ) { invocation in
    let config = try ModalConfig(host: invocation.host, profile: invocation.profile)
    let names = config.file.profileNames
    let rows = try names.map { name -> (name: String, active: Bool, tokenID: String?) in
      (name, name == config.profileName, try config.string(.tokenID, profile: name, useEnvironment: false))
    }
    if invocation.flag("--json") {
      let items = rows.map { row in
        JSONValue.object([
          ("name", .string(row.name)), ("token_id", row.tokenID.map { .string($0) } ?? .null), ("active", .bool(row.active)),
        ])
      }
      invocation.console.write(JSONValue.array(items).rendered() + "\n")
      return 0
    }
    guard !names.isEmpty else {
      invocation.console.writeError("No profiles in \(config.file.path). Run `modal setup` to create one.\n")
      return 0
    }
    let table = TableRenderer(
      columns: ["  Profile", "Token ID"],
      rows: rows.map { [($0.active ? "• " : "  ") + $0.name, $0.tokenID ?? "(none)"] })
    invocation.console.write(table.rendered())
    let overriding = TokenCommands.credentialVariablesSet(in: invocation.host)
    if !overriding.isEmpty {
      invocation.console.write("Using credentials from \(overriding.joined(separator: " and ")) instead of a profile\n")
    }
    return 0
  }

  static let current = CommandSpec(
    name: "current", abstract: "Print the currently active Modal profile."
  ) { invocation in
    let config = try ModalConfig(host: invocation.host, profile: invocation.profile)
    invocation.console.write(config.profileName + "\n")
    return 0
  }

  static let activate = CommandSpec(
    name: "activate", abstract: "Change the active Modal profile.",
    arguments: [ArgumentSpec("PROFILE", help: "The profile to make active.")]
  ) { invocation in
    let name = invocation.arguments[0]
    let writer = ConfigWriter(host: invocation.host)
    try writer.activateProfile(name)
    invocation.console.write("Active profile: \(name)\n")
    let config = try ModalConfig(host: invocation.host, profile: name)
    if let environment = try config.string(.environment), !environment.isEmpty {
      invocation.console.write("Active environment: \(environment)\n")
    }
    return 0
  }
}
