public import TOML

/// The resolved configuration: the file, the selected profile, and every setting's value with the
/// precedence environment variable, then profile, then default.
public struct ModalConfig: Sendable {
  /// The outside world the configuration was read from.
  public let host: HostEnvironment
  /// The configuration file (possibly missing).
  public let file: ConfigFile
  /// The profile in use.
  package let selection: ProfileSelection

  /// Reads the configuration file and selects the profile.
  ///
  /// - Parameters:
  ///   - host: Variables, home folder and files to read.
  ///   - profile: A profile name that overrides `MODAL_PROFILE` and the active flag.
  ///   - configPath: A file that overrides `MODAL_CONFIG_PATH` and `~/.modal.toml`.
  public init(host: HostEnvironment, profile: String? = nil, configPath: String? = nil) throws(ModalError) {
    let path = configPath.flatMap { $0.isEmpty ? nil : $0 } ?? ConfigFile.path(in: host)
    let file = try ConfigFile.load(from: path, fileSystem: host.fileSystem)
    try self.init(host: host, file: file, profile: profile)
  }

  /// Uses an already loaded configuration file.
  ///
  /// - Throws: ``ModalError`` when the profile name or `MODAL_PROFILE` is blank.
  public init(host: HostEnvironment, file: ConfigFile, profile: String? = nil) throws(ModalError) {
    self.host = host
    self.file = file
    self.selection = try ProfileSelection.select(explicit: profile, host: host, file: file)
  }

  /// The selected profile's name.
  public var profileName: String { selection.name }

  /// Checks that profile selection is unambiguous, with the Python client's errors: more than one
  /// active profile, or several profiles, none active and no profile named explicitly.
  public func checkProfiles() throws(ModalError) {
    let activeCount = file.profiles.entries.filter { $0.value.tableValue?["active"]?.boolValue == true }.count
    if activeCount > 1 {
      throw ModalError(
        .ambiguousProfile,
        "More than one Modal profile is active. Please fix with `modal profile activate` or by editing your Modal config file (\(file.path)).")
    }
    if file.profiles.count > 1 && activeCount == 0 && selection.name == "default" {
      throw ModalError(
        .ambiguousProfile,
        "No Modal profile is active.\n\nPlease fix by running `modal profile activate` or by editing your Modal config file (\(file.path)).")
    }
  }

  /// Where a setting's value came from.
  public enum Source: Sendable, Equatable {
    /// An environment variable (its name).
    case environment(String)
    /// A key of a profile (the profile's name).
    case profile(String)
    /// The built-in default.
    case defaultValue
  }

  /// The value of a setting: its environment variable when set and not empty, else the profile's
  /// key, else the default. Environment and file values go through the setting's transform.
  ///
  /// - Parameters:
  ///   - setting: The setting to read.
  ///   - profile: The profile to read instead of the selected one.
  ///   - useEnvironment: Whether environment variables may override the profile.
  public func value(
    of setting: Setting, profile: String? = nil, useEnvironment: Bool = true
  ) throws(ModalError) -> TOMLValue? {
    try resolve(setting, profile: profile, useEnvironment: useEnvironment).value
  }

  /// The value of a setting together with where it came from.
  public func resolve(
    _ setting: Setting, profile: String? = nil, useEnvironment: Bool = true
  ) throws(ModalError) -> (value: TOMLValue?, source: Source) {
    if useEnvironment, let raw = host.modalVariable(setting.environmentVariable) {
      return (try setting.transformed(.string(raw)), .environment(setting.environmentVariable))
    }
    let profileName = profile ?? selection.name
    if let raw = file.profile(profileName)?[setting.key] {
      return (try setting.transformed(raw), .profile(profileName))
    }
    return (setting.defaultValue, .defaultValue)
  }

  /// A string setting's value, or nil when unset (or not a string).
  public func string(_ setting: Setting, profile: String? = nil, useEnvironment: Bool = true) throws(ModalError) -> String? {
    try value(of: setting, profile: profile, useEnvironment: useEnvironment)?.stringValue
  }

  /// Every setting's value, sorted by key, as `modal config show` prints them.
  public func allValues(includeInternal: Bool = false) throws(ModalError) -> [(key: String, value: TOMLValue?)] {
    try settingValues(includeInternal: includeInternal).map { ($0.setting.key, $0.value) }
  }

  /// Every setting with its value, sorted by key: ``allValues(includeInternal:)`` with the
  /// settings themselves, for callers that need more of them than the key.
  package func settingValues(includeInternal: Bool = false) throws(ModalError) -> [(setting: Setting, value: TOMLValue?)] {
    var result: [(setting: Setting, value: TOMLValue?)] = []
    result.reserveCapacity(Setting.all.count)
    for setting in Setting.all.sorted(by: { $0.key < $1.key }) where includeInternal || !setting.isInternal {
      result.append((setting, try value(of: setting)))
    }
    return result
  }
}
