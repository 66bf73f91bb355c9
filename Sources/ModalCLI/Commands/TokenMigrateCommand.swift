import CommandLineKit
import Modal
import TOML

/// `modal token migrate`: moves the secrets of existing profiles to another place, writing the new
/// place first, reading it back, then rewriting the profile; the old place is emptied last, so a
/// failure at any step loses nothing.
enum TokenMigrateCommand {
  static let to = Option<SecretStorage>(
    "--to", placeholder: "keyring|helper:NAME|file", default: .keyring,
    help: "Where to move the secrets (default: keyring)."
  ) { (text: String) throws(InvalidValue) -> SecretStorage in try CommonOptions.storage(text, option: "--to") }
  static let all = Flag("--all", help: "Move the secrets of every profile, not only the selected one.")

  static let spec = CommandSpec(
    name: "migrate", abstract: "Move the token secrets of existing profiles to the keyring, a credential helper or the file.",
    discussion: """
      The secret is written to the new place and read back before the profile is rewritten; the old
      place is emptied last. Profiles whose secret comes from token_secret_command are left alone.
      Exit code 1 when any profile could not be moved.
      """,
    options: [to, all]
  ) { invocation in
    let config = try ModalConfig(host: invocation.host, profile: invocation.profile)
    let names = invocation[all] ? config.file.profileNames : [config.profileName]
    var failed = 0
    for name in names {
      do throws(ModalError) {
        invocation.console.write(try await move(name, to: invocation[to], config: config, invocation: invocation) + "\n")
      } catch {
        failed += 1
        invocation.console.writeError("Profile '\(name)': \(error.message)\(error.remedy.map { "\n  \($0)" } ?? "")\n")
      }
    }
    return failed == 0 ? 0 : 1
  }

  /// Moves one profile's secret; returns what happened, in words.
  private static func move(_ name: String, to target: SecretStorage, config: ModalConfig, invocation: Invocation) async throws(ModalError) -> String {
    let path = config.file.path
    guard let table = config.file.profile(name) else {
      throw ModalError(.profileNotFound, "no such profile in \(path).", remedy: "Run `modal profile list` to see the profiles.")
    }
    let place = ProfileSecretLocation.place(of: table)
    if place == "command" || place == "none" {
      return "Profile '\(name)': left alone (\(place == "none" ? "it has no secret" : "its secret comes from token_secret_command"))."
    }
    let old = try ProfileSecretLocation(profile: name, table: table, path: path)
    let source = old?.storage ?? .file
    guard source != target else { return "Profile '\(name)': already in \(target.storeDescription)." }
    guard let credentials = try await CredentialResolver(config: config).profileCredentials(name) else {
      throw ModalError(.missingCredentials, "it has no token.")
    }
    let destination = ProfileSecretLocation(profile: name, serverURL: table["server_url"]?.stringValue, storage: target)
    try await destination.write(secret: credentials.tokenSecret, tokenID: credentials.tokenID, host: invocation.host)
    let entry: ConfigWriter.SecretEntry = target == .file ? .inFile(credentials.tokenSecret) : .keptIn(target)
    try ConfigWriter(path: path, fileSystem: invocation.host.fileSystem).moveSecret(profile: name, tokenID: credentials.tokenID, to: entry)
    var note = ""
    if let old {
      do {
        try await old.erase(host: invocation.host)
      } catch {
        note = " The copy in \(source.storeDescription) could not be removed (\(error.message)); remove it yourself."
      }
    }
    return "Profile '\(name)': secret moved from \(source.storeDescription) to \(target.storeDescription).\(note)"
  }
}
