import TOML

/// Which profile of the configuration file is in use, and why.
public struct ProfileSelection: Sendable, Equatable {
  /// How the profile was chosen.
  public enum Reason: Sendable, Equatable {
    /// Named by the caller (an SDK option or the CLI's `--profile`).
    case argument
    /// Named by the `MODAL_PROFILE` environment variable.
    case environment
    /// The first profile in the file with `active = true`.
    case activeFlag
    /// No profile is active, so the profile named `default` is used, as in the Python client.
    case implicitDefault
  }

  /// The profile name.
  public let name: String
  /// How it was chosen.
  public let reason: Reason

  /// Creates a selection of a profile for a reason.
  public init(name: String, reason: Reason) {
    self.name = name
    self.reason = reason
  }

  /// Chooses the profile: the explicit name, else `MODAL_PROFILE` (empty counts as unset), else the
  /// first profile with `active = true`, else `default`.
  public static func select(explicit: String?, host: HostEnvironment, file: ConfigFile) -> ProfileSelection {
    if let explicit, !explicit.isEmpty { return ProfileSelection(name: explicit, reason: .argument) }
    if let named = host.modalVariable("MODAL_PROFILE") { return ProfileSelection(name: named, reason: .environment) }
    for (name, value) in file.profiles.entries where value.tableValue?["active"]?.boolValue == true {
      return ProfileSelection(name: name, reason: .activeFlag)
    }
    return ProfileSelection(name: "default", reason: .implicitDefault)
  }

  /// A phrase saying how the profile was chosen, for `modal doctor` and error messages.
  public var explanation: String {
    switch reason {
    case .argument: return "named with --profile"
    case .environment: return "named by MODAL_PROFILE"
    case .activeFlag: return "marked active = true"
    case .implicitDefault: return "no profile is active, so 'default' is used"
    }
  }
}
