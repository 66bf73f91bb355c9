/// The outside world that configuration resolution reads: variables, home folder and files.
///
/// Nothing in the SDK reads process globals directly; it is handed a `HostEnvironment`. Tests and
/// several clients in one process each pass their own, so they never collide.
public struct HostEnvironment: Sendable {
  /// Environment variables, by name.
  public var variables: [String: String]
  /// The user's home folder, used for `~/.modal.toml`.
  public var homeDirectory: String
  /// How files are read and written.
  public var fileSystem: any FileSystem
  /// The keyring that `token_secret_storage = "keyring"` means: the system's (Secret Service or
  /// Keychain), or a test's stand-in.
  package var keyring: any SecretStore = SecretStores.system

  /// Creates a host environment from its parts.
  public init(
    variables: [String: String], homeDirectory: String,
    fileSystem: any FileSystem = LocalFileSystem()
  ) {
    self.variables = variables
    self.homeDirectory = homeDirectory
    self.fileSystem = fileSystem
  }

  /// The current process's environment variables and home folder, with the local file system.
  public static var current: HostEnvironment {
    let variables = ProcessEnvironment.variables()
    let home = variables["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ProcessEnvironment.passwdHome() ?? "/"
    return HostEnvironment(variables: variables, homeDirectory: home)
  }

  /// The value of a `MODAL_*` variable, treating an empty value as unset (deliberate difference D2).
  public func modalVariable(_ name: String) -> String? {
    guard let value = variables[name], !value.isEmpty else { return nil }
    return value
  }
}
