/// The outside world that configuration resolution reads: variables, home folder and files.
///
/// Nothing in the SDK reads process globals directly; it is handed a `HostEnvironment`. Tests and
/// several clients in one process each pass their own, so they never collide.
public struct HostEnvironment: Sendable {
  /// Environment variables, by name (made on demand for the process's own; ``variable(_:)`` reads
  /// one without making them all).
  public var variables: [String: String] {
    get { table.dictionary }
    set { table = VariableTable(newValue) }
  }
  private var table: VariableTable
  /// The user's home folder, used for `~/.modal.toml`.
  public var homeDirectory: String
  /// How files are read and written.
  public var fileSystem: any FileSystem
  /// The folder a `.modal-profile` file is looked for from (and above); nil looks for none.
  public var workingDirectory: String?
  /// The keyring that `token_secret_storage = "keyring"` means: the system's (Secret Service or
  /// Keychain), or a test's stand-in.
  package var keyring: any SecretStore = SecretStores.system

  /// Creates a host environment from its parts.
  public init(
    variables: [String: String], homeDirectory: String,
    fileSystem: any FileSystem = LocalFileSystem(), workingDirectory: String? = nil
  ) {
    self.table = VariableTable(variables)
    self.homeDirectory = homeDirectory
    self.fileSystem = fileSystem
    self.workingDirectory = workingDirectory
  }

  /// The current process's environment variables, home folder and working folder, with the local
  /// file system.
  public static var current: HostEnvironment {
    let table = ProcessEnvironment.variables()
    let home = table.value(of: "HOME").flatMap { $0.isEmpty ? nil : $0 } ?? ProcessEnvironment.passwdHome() ?? "/"
    var host = HostEnvironment(variables: [:], homeDirectory: home, workingDirectory: ProcessEnvironment.workingDirectory())
    host.table = table
    return host
  }

  /// The value of the environment variable `name`, if set.
  public func variable(_ name: String) -> String? { table.value(of: name) }

  /// The value of a `MODAL_*` variable, treating an empty value as unset (deliberate difference D2).
  public func modalVariable(_ name: String) -> String? {
    guard let value = variable(name), !value.isEmpty else { return nil }
    return value
  }
}
