/// A place that keeps token secrets off disk: the Secret Service, the Keychain, a credential
/// helper, or a test's stand-in. Each method blocks (D-Bus, a program): call it off Swift's
/// cooperative pool (``SecretStores/offPool(_:)``).
///
/// Errors never contain the secret. A store that cannot be reached throws
/// ``ModalError/Code/secretStoreUnavailable`` so that the command line can offer the file instead.
package protocol SecretStore: Sendable {
  /// The store in words, for messages: `the Secret Service (GNOME Keyring, KeePassXC)`.
  var name: String { get }

  /// Stores the secret for a profile, replacing the one it held.
  func store(_ secret: String, tokenID: String, for key: SecretStoreKey) throws(ModalError)

  /// The secret stored for a profile, or nil when there is none.
  func secret(for key: SecretStoreKey) throws(ModalError) -> String?

  /// Removes the secret stored for a profile; nothing happens when there is none.
  func erase(_ key: SecretStoreKey) throws(ModalError)
}

/// What a stored secret is filed under: the profile and the server it authenticates to. A second
/// profile, or the same name pointed at another server, has its own entry.
package struct SecretStoreKey: Sendable, Hashable {
  /// The profile's name.
  package let profile: String
  /// The profile's `server_url` (the default server when it has none).
  package let serverURL: String

  /// Creates a key.
  package init(profile: String, serverURL: String) {
    self.profile = profile
    self.serverURL = serverURL
  }

  /// The key as one string, for stores that take one (a credential helper's `ServerURL`, a
  /// Keychain item's account): `modal:PROFILE@SERVER_URL`.
  package var account: String { "modal:\(profile)@\(serverURL)" }
}
