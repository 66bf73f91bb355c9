/// Where a profile's token secret lives: in the file (`token_secret`, the default and what the
/// Python client reads), in the operating system's keyring, or with an external credential helper.
///
/// A profile keeping its secret off disk holds `token_id` and `token_secret_storage = "keyring"`
/// (or `"helper:NAME"`) and no `token_secret`; the Python client cannot read such a profile
/// (`modal token export` prints the pair for it).
public enum SecretStorage: Sendable, Hashable, CustomStringConvertible {
  /// `token_secret` in the configuration file, in plain text.
  case file
  /// The Secret Service on Linux (GNOME Keyring, KeePassXC) or the Keychain on macOS.
  case keyring
  /// The program `modal-credential-NAME` on `PATH`, speaking docker-credential-helpers' protocol.
  case helper(String)

  /// The profile key naming the storage. Python's settings have no such key (it ignores it).
  package static let profileKey = "token_secret_storage"
  /// The variable that chooses the storage of new tokens when no option does.
  package static let environmentVariable = "MODAL_SECRET_STORAGE"
  /// The values accepted, for messages.
  package static let accepted = "file, keyring or helper:NAME"

  /// Parses `file`, `keyring` or `helper:NAME` (NAME: letters, digits, `-`, `_`, `.`).
  ///
  /// - Throws: ``ModalError`` (`invalidSetting`) naming the accepted values.
  public init(parsing text: String) throws(ModalError) {
    switch text {
    case "file": self = .file
    case "keyring": self = .keyring
    default:
      let name = text.hasPrefix("helper:") ? String(text.dropFirst("helper:".count)) : ""
      guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
        throw ModalError(
          .invalidSetting, "'\(text)' is not a place to keep a token secret; use \(Self.accepted).",
          remedy: "helper:NAME runs the program modal-credential-NAME from PATH (NAME: letters, digits, -, _ and .).")
      }
      self = .helper(name)
    }
  }

  /// The place in words: `the config file`, `the keyring`, `the credential helper modal-credential-NAME`.
  public var storeDescription: String {
    switch self {
    case .file: "the config file"
    case .keyring: "the keyring"
    case .helper(let name): "the credential helper modal-credential-\(name)"
    }
  }

  /// `file`, `keyring` or `helper:NAME`, as written in a profile.
  public var description: String {
    switch self {
    case .file: "file"
    case .keyring: "keyring"
    case .helper(let name): "helper:\(name)"
    }
  }
}
