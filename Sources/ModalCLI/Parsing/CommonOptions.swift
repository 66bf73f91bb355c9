import CommandLineKit
import Modal

/// Options that several commands declare, each with its help written once.
enum CommonOptions {
  /// The global option every command accepts, at any position.
  static let profile = Option<String?>(
    "--profile", placeholder: "TEXT", help: "Use this Modal profile for the command.")

  /// `--json`.
  static let json = Flag("--json", help: "Print JSON.")

  /// `-y/--yes`: skip the confirmation of something irrevocable.
  static let yes = Flag("--yes", short: "-y", help: "Run without pausing for confirmation.")

  /// `-e/--env`, with Python's help text.
  static let environment = Option<String?>(
    "--env", short: "-e", placeholder: "TEXT",
    help: "Environment to interact with. If unspecified, defers to `MODAL_ENVIRONMENT`, your active local profile, or your workspace default, in that order.")

  /// `--activate/--no-activate` of `token set` and `token new`.
  static let activate = Toggle(
    "--activate", negation: "--no-activate", default: true,
    help: "Activate the profile containing this token after creation.")

  /// `--verify/--no-verify` of `token set` and `token new`.
  static let verify = Toggle(
    "--verify", negation: "--no-verify", default: true, help: "Make a test request to verify the new credentials.")

  /// `--expires-in 30m|12h|7d` in seconds, checked as Python checks it; 0 when not given.
  static let expiresIn = Option<UInt32>(
    "--expires-in", placeholder: "TEXT", default: 0, help: "Token lifetime, such as 30m, 12h, or 7d.",
    transform: ExpiresIn.seconds)

  /// `--secret-storage file|keyring|helper:NAME` of `setup`, `token new`, `token set` and `token rotate`.
  static let secretStorage = Option<SecretStorage?>(
    "--secret-storage", placeholder: "file|keyring|helper:NAME",
    help: "Where to keep the token secret: file (plain text in the config file, which Python reads), keyring (Secret Service, macOS Keychain) or helper:NAME (the program modal-credential-NAME). Default: MODAL_SECRET_STORAGE, else where the profile keeps it now, else file."
  ) { (text: String) throws(InvalidValue) -> SecretStorage in try storage(text, option: "--secret-storage") }

  /// A ``SecretStorage`` option's value, or the usage error that names the option.
  static func storage(_ text: String, option: String) throws(InvalidValue) -> SecretStorage {
    do throws(ModalError) {
      return try SecretStorage(parsing: text)
    } catch {
      throw InvalidValue("Invalid value for \(option): \(error.message)")
    }
  }

  /// `--insecure-storage`: plain text in the config file, chosen knowingly.
  static let insecureStorage = Flag(
    "--insecure-storage", help: "Keep the token secret in plain text in the config file (the same as --secret-storage file).")

  /// The hidden `--source` of the login commands (the flow's `utm_source`).
  static let source = Option<String>("--source", placeholder: "TEXT", default: "", hidden: true) { $0 }
}
