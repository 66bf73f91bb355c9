import CommandLineKit
import Modal
import TOML

/// `modal config show|path`: what the configuration resolves to, and where the file is.
enum ConfigCommands {
  static let group = CommandSpec(
    name: "config", abstract: "Manage client configuration for the current profile.",
    discussion: "Settings come from MODAL_<SETTING> environment variables, then the selected profile,\nthen built-in defaults.",
    subcommands: [show, path])

  static let redact = Toggle("--redact", negation: "--no-redact", default: true, help: "Redact secret credential values.")
  static let includeInternal = Flag("--include-internal", help: "Include internal feature flags.", hidden: true)

  static let show = CommandSpec(
    name: "show", abstract: "Show current configuration values.",
    options: [
      redact, includeInternal, Flag("--json", help: "Print JSON (the default, accepted for compatibility)."),
    ]
  ) { invocation in
    let config = try ModalConfig(host: invocation.host, profile: invocation.profile)
    let redact = invocation[redact]
    let values = try config.settingValues(includeInternal: invocation[includeInternal])
    let members = values.map { entry -> (String, JSONValue) in
      let key = entry.setting.key
      if redact, entry.setting.isSecret, let value = entry.value, PythonRepr.isTruthy(value) {
        return (key, .string("***"))
      }
      // A secret in a field that is not one (an id and secret swapped) is masked too.
      if redact, let text = entry.value?.stringValue {
        return (key, .string(SecretRedaction.maskTokenSecrets(text)))
      }
      return (key, JSONValue(entry.value))
    }
    invocation.console.write(JSONValue.object(members).rendered() + "\n")
    if let profile = config.file.profile(config.profileName), ProfileSecretLocation.place(of: profile) != "file",
      ProfileSecretLocation.place(of: profile) != "none"
    {
      invocation.console.writeError(
        "Note: profile '\(config.profileName)' keeps its token secret outside the file (token_secret is null above); the Python client cannot read it: use `modal token export --profile \(config.profileName)`.\n")
    }
    return 0
  }

  static let path = CommandSpec(
    name: "path", abstract: "Print the path of the configuration file in use.",
    discussion: "It is $MODAL_CONFIG_PATH when set, else ~/.modal.toml. The file may not exist yet."
  ) { invocation in
    invocation.console.write(ConfigFile.path(in: invocation.host) + "\n")
    return 0
  }
}
