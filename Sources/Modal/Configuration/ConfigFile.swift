public import TOML

/// The Modal configuration file (`~/.modal.toml` or `$MODAL_CONFIG_PATH`): one table per profile.
public struct ConfigFile: Sendable {
  /// The largest configuration file read; a real one holds a few profiles in a few hundred bytes.
  public static let maximumSize = 4 * 1024 * 1024

  /// Where the file is (or would be).
  public let path: String
  /// Whether a file exists at `path`. A missing file reads as having no profiles.
  public let exists: Bool
  /// The profiles in file order: every top-level value is a table.
  public let profiles: TOMLTable
  /// The file's text, kept to point at the line of a problem.
  let text: String

  /// The path of the configuration file: `$MODAL_CONFIG_PATH` when set and not empty, else
  /// `~/.modal.toml` in the host's home folder.
  public static func path(in host: HostEnvironment) -> String {
    if let path = host.variable("MODAL_CONFIG_PATH"), !path.isEmpty { return path }
    let home = host.homeDirectory.hasSuffix("/") ? String(host.homeDirectory.dropLast()) : host.homeDirectory
    return home + "/.modal.toml"
  }

  /// Reads and validates the file at `path`; a missing file, and `/dev/null`, give an empty
  /// configuration.
  ///
  /// Errors say `<path>:<line>:<column>: <problem>` and how to fix it; nothing is ever written.
  public static func load(from path: String, fileSystem: any FileSystem) throws(ModalError) -> ConfigFile {
    let bytes: [UInt8]?
    do throws(FileSystemError) {
      bytes = try fileSystem.readFile(atPath: path, maxBytes: maximumSize)
    } catch {
      throw ModalError(.invalidConfig, "Cannot read the Modal config file \(path): \(error.description).", remedy: remedy(for: error, path: path))
    }
    guard let bytes else { return ConfigFile(path: path, exists: false, profiles: TOMLTable(), text: "") }
    return try parse(bytes, path: path)
  }

  /// Parses configuration text that claims to come from `path`.
  public static func parse(_ bytes: [UInt8], path: String) throws(ModalError) -> ConfigFile {
    let table: TOMLTable
    do throws(TOMLError) {
      table = try TOMLDecoder().decode(bytes)
    } catch {
      throw malformed(path: path, line: error.line, column: error.column, problem: error.message)
    }
    let text = String(decoding: bytes, as: UTF8.self)
    let file = ConfigFile(path: path, exists: true, profiles: table, text: text)
    try file.validate()
    return file
  }

  /// The profile names in file order.
  public var profileNames: [String] { profiles.keys }

  /// The table of one profile, or nil when the file has no such profile.
  public func profile(_ name: String) -> TOMLTable? { profiles[name]?.tableValue }

  /// Settings whose value must be a string: a number or table there is a mistake, not a value.
  static let stringKeys: [String] = ["server_url", "token_id", "token_secret", "environment", "token_secret_command", "token_secret_storage"]

  /// Checks that every top-level value is a profile table, `active` is a boolean, and the
  /// credential and URL keys are strings.
  private func validate() throws(ModalError) {
    let locator = TOMLKeyLocator(text: text)
    for (name, value) in profiles.entries {
      guard case .table(let profile) = value else {
        let (line, column) = locator.location(ofKey: name, inTable: nil)
        throw Self.malformed(
          path: path, line: line, column: column,
          problem: "'\(name)' is \(value.typeName.withArticle), but the file must hold only profile tables such as [\(name)] (TOML file must contain table sections for each profile).")
      }
      if let active = profile["active"], active.boolValue == nil {
        let (line, column) = locator.location(ofKey: "active", inTable: name)
        throw Self.malformed(
          path: path, line: line, column: column,
          problem: "'active' in profile '\(name)' must be true or false, not the \(active.typeName) \(PythonRepr.of(active)).")
      }
      for key in Self.stringKeys {
        if let item = profile[key], item.stringValue == nil {
          let (line, column) = locator.location(ofKey: key, inTable: name)
          throw Self.malformed(
            path: path, line: line, column: column,
            problem: "'\(key)' in profile '\(name)' must be a string in quotes, not \(Self.shown(item, of: key)).")
        }
      }
    }
  }

  /// How a wrongly typed value is named in an error: "the integer 5", or only its type for the
  /// secret's key, whose value is still the secret (`token_secret = ["as-…"]`).
  private static func shown(_ item: TOMLValue, of key: String) -> String {
    key == "token_secret" ? item.typeName.withArticle : "the \(item.typeName) \(PythonRepr.of(item))"
  }

  private static func malformed(path: String, line: Int, column: Int, problem: String) -> ModalError {
    ModalError(
      .invalidConfig, "\(path):\(line):\(column): \(problem)",
      remedy: "Fix that line in \(path) (it is TOML: one [profile] table per profile), or move the file aside and run `modal setup` to create a new one. The file was not changed.")
  }

  /// What to do when the configuration path names a folder, a device, a FIFO or a socket.
  static let notAFileRemedy = "Point MODAL_CONFIG_PATH at a regular file (a .toml file), or unset it to use ~/.modal.toml."

  private static func remedy(for error: FileSystemError, path: String) -> String {
    switch error.reason {
    case .notRegularFile:
      return notAFileRemedy
    case .permissionDenied:
      return "Make the file yours and readable by you only: `chown \"$(id -un)\" \(ShellQuoting.quote(path)) && chmod 600 \(ShellQuoting.quote(path))` (use sudo if another user owns it), or point MODAL_CONFIG_PATH at a file you can read."
    case .symbolicLinkLoop:
      return "\(path) is a symbolic link loop: remove it (`rm \(ShellQuoting.quote(path))`) and run `modal setup`, or point MODAL_CONFIG_PATH at a real file."
    case .tooLarge:
      return "A Modal config file holds a few small profile tables; check that MODAL_CONFIG_PATH names the right file."
    case .system:
      return "Check the file's owner and permissions (`ls -l \(path)`); it should be readable by you, mode 600."
    }
  }
}
