#if canImport(Security)
  import Foundation
  import Security

  /// The macOS Keychain: a generic password with service `com.modal.swift` and account
  /// ``SecretStoreKey/account``, shown by `security find-generic-password -s com.modal.swift`.
  package struct KeychainStore: SecretStore {
    /// The Keychain service of every item.
    package static let service = "com.modal.swift"

    /// Creates the store.
    package init() {}

    package var name: String { "the macOS Keychain" }

    package func store(_ secret: String, tokenID: String, for key: SecretStoreKey) throws(ModalError) {
      SecItemDelete(query(key) as CFDictionary)
      var item = query(key)
      item[kSecValueData as String] = Data(secret.utf8)
      item[kSecAttrLabel as String] = "Modal token secret (profile \(key.profile))"
      item[kSecAttrComment as String] = "token id \(tokenID)"
      let status = SecItemAdd(item as CFDictionary, nil)
      guard status == errSecSuccess else { throw failure(status, doing: "store the secret") }
    }

    package func secret(for key: SecretStoreKey) throws(ModalError) -> String? {
      var search = query(key)
      search[kSecReturnData as String] = true
      search[kSecMatchLimit as String] = kSecMatchLimitOne
      var found: CFTypeRef?
      let status = SecItemCopyMatching(search as CFDictionary, &found)
      if status == errSecItemNotFound { return nil }
      guard status == errSecSuccess, let data = found as? Data else { throw failure(status, doing: "read the secret") }
      return String(decoding: data, as: UTF8.self)
    }

    package func erase(_ key: SecretStoreKey) throws(ModalError) {
      let status = SecItemDelete(query(key) as CFDictionary)
      guard status == errSecSuccess || status == errSecItemNotFound else { throw failure(status, doing: "remove the secret") }
    }

    private func query(_ key: SecretStoreKey) -> [String: Any] {
      [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: Self.service, kSecAttrAccount as String: key.account]
    }

    /// The error for a Security status: a locked Keychain or a refused prompt, or another failure.
    private func failure(_ status: OSStatus, doing action: String) -> ModalError {
      let message = (SecCopyErrorMessageString(status, nil) as String?) ?? "OSStatus \(status)"
      let unavailable = [errSecInteractionNotAllowed, errSecAuthFailed, errSecUserCanceled, errSecNotAvailable].contains(status)
      return ModalError(
        unavailable ? .secretStoreUnavailable : .writeFailed, "Cannot \(action) in \(name): \(message).",
        remedy: "Unlock the login keychain (Keychain Access, or `security unlock-keychain`) and allow `modal` to use it, then run the command again.")
    }
  }
#endif
