#if os(Linux)
  import CSecret

  /// The Secret Service on D-Bus (GNOME Keyring, KeePassXC), through libsecret. libsecret is opened
  /// on first use (dlopen), so commands that never touch the keyring do not load it or GLib.
  ///
  /// Items have the schema `com.modal.swift.TokenSecret` with the attributes `profile`, `server`
  /// and `token_id`; `secret-tool search profile NAME` shows them.
  package struct SecretServiceStore: SecretStore {
    /// Creates the store; nothing is loaded until it is used.
    package init() {}

    package var name: String { "the Secret Service (GNOME Keyring, KeePassXC)" }

    package func store(_ secret: String, tokenID: String, for key: SecretStoreKey) throws(ModalError) {
      var library = try Self.loaded()
      var error: UnsafeMutablePointer<modal_gerror>?
      let label = "Modal token secret (profile \(key.profile), \(key.serverURL))"
      let stored = modal_secret_store(&library, key.profile, key.serverURL, tokenID, label, secret, &error)
      if let error { throw Self.failure(error, doing: "store the secret", library: library) }
      guard stored != 0 else {
        throw ModalError(
          .secretStoreUnavailable, "\(name) did not store the secret (was its unlock prompt dismissed?).",
          remedy: Self.lockedRemedy)
      }
    }

    package func secret(for key: SecretStoreKey) throws(ModalError) -> String? {
      var library = try Self.loaded()
      var error: UnsafeMutablePointer<modal_gerror>?
      let found = modal_secret_lookup(&library, key.profile, key.serverURL, &error)
      if let error { throw Self.failure(error, doing: "read the secret", library: library) }
      guard let found else { return nil }
      defer { library.password_free(found) }
      return String(cString: found)
    }

    package func erase(_ key: SecretStoreKey) throws(ModalError) {
      var library = try Self.loaded()
      var error: UnsafeMutablePointer<modal_gerror>?
      _ = modal_secret_clear(&library, key.profile, key.serverURL, &error)
      if let error { throw Self.failure(error, doing: "remove the secret", library: library) }
    }

    /// libsecret's functions, or why it could not be opened. Set once, never changed afterwards.
    nonisolated(unsafe) private static let library: modal_secret_library? = {
      var library = modal_secret_library()
      return modal_secret_open(&library) == 0 ? library : nil
    }()

    private static func loaded() throws(ModalError) -> modal_secret_library {
      guard let library else {
        throw ModalError(
          .secretStoreUnavailable, "libsecret (libsecret-1.so.0), which talks to the Secret Service, is not installed.",
          remedy: "Install it (Debian and Ubuntu: `apt-get install libsecret-1-0`) with a Secret Service such as gnome-keyring or KeePassXC, or choose --secret-storage helper:NAME or file.")
      }
      return library
    }

    static let lockedRemedy =
      "Unlock the keyring (log in to the desktop session, or run `gnome-keyring-daemon --unlock` and type its password), then run the command again."

    /// The error for a GError, which it frees: a locked keyring, no Secret Service on D-Bus (no
    /// session bus, or no program owning org.freedesktop.secrets), or another failure.
    private static func failure(_ error: UnsafeMutablePointer<modal_gerror>, doing action: String, library: modal_secret_library) -> ModalError {
      defer { library.error_free(error) }
      let message = error.pointee.message.map { String(cString: $0) } ?? "no message"
      let store = "the Secret Service"
      if error.pointee.domain == library.secret_error_quark() {
        if error.pointee.code == Int32(MODAL_SECRET_ERROR_IS_LOCKED) {
          return ModalError(.secretStoreUnavailable, "Cannot \(action): the keyring is locked (\(message)).", remedy: lockedRemedy)
        }
        return ModalError(
          .secretStoreUnavailable, "Cannot \(action) in \(store): \(message).",
          remedy: "Check the keyring with `secret-tool search profile NAME`, or choose --secret-storage helper:NAME or file.")
      }
      return ModalError(
        .secretStoreUnavailable, "Cannot \(action): no Secret Service could be reached on the D-Bus session bus (\(message)).",
        remedy: "Start one in your session (GNOME Keyring, or KeePassXC with its Secret Service integration); over SSH or in a container there is usually none, so choose --secret-storage helper:NAME or file.")
    }
  }
#endif
