import TOML

/// Which profile of the configuration file is in use, and why.
package struct ProfileSelection: Sendable, Equatable {
  /// How the profile was chosen.
  package enum Reason: Sendable, Equatable {
    /// Named by the caller (an SDK option or the CLI's `--profile`).
    case argument
    /// Named by the `MODAL_PROFILE` environment variable.
    case environment
    /// Named by the `.modal-profile` file at this path (the nearest in the working folder or above).
    case projectFile(path: String)
    /// The first profile in the file with `active = true`.
    case activeFlag
    /// No profile is active, so the profile named `default` is used, as in the Python client.
    case implicitDefault
  }

  /// The profile name.
  package let name: String
  /// How it was chosen.
  package let reason: Reason

  /// Creates a selection of a profile for a reason.
  package init(name: String, reason: Reason) {
    self.name = name
    self.reason = reason
  }

  /// Chooses the profile: the explicit name, else `MODAL_PROFILE` (empty counts as unset), else the
  /// nearest `.modal-profile` from the host's working folder up, else the first profile with
  /// `active = true`, else `default`.
  ///
  /// - Throws: ``ModalError`` (`invalidArgument`) when the explicit name or `MODAL_PROFILE` is
  ///   blank (white space only), for reads and writes alike; (`invalidConfig`) when the
  ///   `.modal-profile` that would decide holds anything but a profile name.
  package static func select(explicit: String?, host: HostEnvironment, file: ConfigFile) throws(ModalError) -> ProfileSelection {
    if let explicit, !explicit.isEmpty {
      try refuseBlank(explicit, from: "--profile", remedy: "Pass a profile name (`modal profile list` shows them), or leave --profile out.")
      return ProfileSelection(name: explicit, reason: .argument)
    }
    if let named = host.modalVariable("MODAL_PROFILE") {
      try refuseBlank(named, from: "MODAL_PROFILE", remedy: "Set MODAL_PROFILE to a profile name (`modal profile list` shows them), or unset it (empty counts as unset).")
      return ProfileSelection(name: named, reason: .environment)
    }
    if let pinned = try ProjectProfileFile.find(from: host.workingDirectory, fileSystem: host.fileSystem) {
      return ProfileSelection(name: pinned.profileName, reason: .projectFile(path: pinned.path))
    }
    for (name, value) in file.profiles.entries where value.tableValue?["active"]?.boolValue == true {
      return ProfileSelection(name: name, reason: .activeFlag)
    }
    return ProfileSelection(name: "default", reason: .implicitDefault)
  }

  /// Throws when a profile name is only white space: no command should read one profile and
  /// write another, or create a profile named `[" "]`.
  private static func refuseBlank(_ name: String, from source: String, remedy: String) throws(ModalError) {
    guard name.allSatisfy(\.isWhitespace) else { return }
    throw ModalError(
      .invalidArgument, "The profile name from \(source) is blank (\(PythonRepr.string(name))); a profile name cannot be only white space.",
      remedy: remedy)
  }

  /// A phrase saying how the profile was chosen, for `modal doctor` and error messages.
  package var explanation: String {
    switch reason {
    case .argument: return "named with --profile"
    case .environment: return "named by MODAL_PROFILE"
    case .projectFile(let path): return "named by \(path)"
    case .activeFlag: return "marked active = true in the config file"
    case .implicitDefault: return "no profile is active, so 'default' is used"
    }
  }
}
