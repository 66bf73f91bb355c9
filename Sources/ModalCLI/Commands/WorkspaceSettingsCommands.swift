import CommandLineKit
import Modal

/// `modal workspace settings list|set`, with Python 1.6.4's table, `--json` keys and `✓`/`✗` lines.
enum WorkspaceSettingsCommands {
  static let group = CommandSpec(
    name: "settings", abstract: "Manage workspace settings. Must be workspace manager or owner.", subcommands: [list, set])

  static let setting = Argument<String>("SETTING")
  static let value = Argument<String>("VALUE")

  static let list = CommandSpec(
    name: "list", abstract: "View the current settings for the workspace.", options: [CommonOptions.json]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let settings = try await client.workspace.settings.list()
    if invocation[CommonOptions.json] {
      let rows = settings.map { JSONValue.object([("setting", .string($0.name)), ("value", .string($0.value))]) }
      invocation.console.write(JSONValue.array(rows).rendered() + "\n")
      return 0
    }
    invocation.console.write(TableRenderer(columns: ["Setting", "Value"], rows: settings.map { [$0.name, $0.value] }).rendered())
    return 0
  }

  static let set = CommandSpec(
    name: "set", abstract: "Update a workspace setting. Must be workspace manager or owner.",
    discussion: """
      The following settings can be updated:
      - `image-builder-version`: The image builder version determines the software included in our base images.
      - `default-environment`: The default environment to use when the environment is omitted from SDK or CLI methods.

      Usage:
      - `modal workspace settings set image-builder-version 2025.06`
      - `modal workspace settings set default-environment main`
      """,
    arguments: [setting, value]
  ) { invocation in
    let (name, newValue) = (invocation[setting], invocation[value])
    let client = try await CLIClients.make(invocation)
    let settings = client.workspace.settings
    let old = try await settings.list().first { $0.name == name }?.value
    do throws(ModalError) {
      try await settings.set(name, to: newValue)
    } catch {
      // Python prints every refusal on standard output after a cross and exits 1.
      invocation.console.write("✗ \(name): \(error.message)\n")
      return 1
    }
    // Python prints the old value with getattr, so an unknown setting never gets here.
    invocation.console.write("✓ \(name): updated from \(old ?? "") to \(newValue)\n")
    return 0
  }
}
