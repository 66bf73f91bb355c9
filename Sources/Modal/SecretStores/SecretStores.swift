import RPC

/// Finds the store of a ``SecretStorage`` and runs store calls off Swift's cooperative pool.
package enum SecretStores {
  /// The operating system's keyring: the Secret Service on Linux, the Keychain on macOS.
  package static var system: any SecretStore {
    #if os(Linux)
      SecretServiceStore()
    #elseif canImport(Security)
      KeychainStore()
    #else
      NoKeyring()
    #endif
  }

  /// The store a storage names in this host (its keyring, its `PATH`); nil for the file.
  package static func store(for storage: SecretStorage, host: HostEnvironment) -> (any SecretStore)? {
    switch storage {
    case .file: nil
    case .keyring: host.keyring
    case .helper(let name): CredentialHelperStore(helperName: name, environment: host.variables)
    }
  }

  /// Runs a store call on a thread of its own: D-Bus and helper programs block, and an unlock
  /// prompt may wait for a person.
  package static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws(ModalError) -> T) async throws(ModalError) -> T {
    let outcome: Result<T, ModalError> = await BlockingWork.run(label: "modal.secret-store") {
      do throws(ModalError) {
        return .success(try body())
      } catch {
        return .failure(error)
      }
    }
    return try outcome.get()
  }
}

/// The keyring of a system that has none the SDK can use.
struct NoKeyring: SecretStore {
  var name: String { "the system keyring" }
  private var unavailable: ModalError {
    ModalError(
      .secretStoreUnavailable, "This system has no keyring modal can use (the Secret Service on Linux, the Keychain on macOS).",
      remedy: "Choose --secret-storage helper:NAME or file.")
  }
  func store(_ secret: String, tokenID: String, for key: SecretStoreKey) throws(ModalError) { throw unavailable }
  func secret(for key: SecretStoreKey) throws(ModalError) -> String? { throw unavailable }
  func erase(_ key: SecretStoreKey) throws(ModalError) { throw unavailable }
}
