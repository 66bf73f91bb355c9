/// Keyed hashes of high-entropy secrets (token secrets, flow wait secrets, session ids):
/// HMAC-SHA-256 under the server's hashing key, hex, with the key id stored beside it.
///
/// A fast keyed hash fits secrets of 128+ random bits: nobody can brute-force them, and a stolen
/// database alone (without the key file) does not even allow checking a guess.
package struct SecretHasher: Sendable {
  /// The server keys.
  package let keys: ServerKeys

  /// Creates a hasher over `keys`.
  package init(keys: ServerKeys) { self.keys = keys }

  /// The hash of `secret` under the current key, and that key's id.
  package func hash(_ secret: String) -> (hash: String, keyID: String) {
    (Hex.encode(Sodium.hmacSHA256(key: keys.current.hashing, message: Array(secret.utf8))), keys.current.id)
  }

  /// Whether `secret` matches `storedHash` made with key `keyID`, compared in constant time
  /// (`sodium_memcmp`); `false` for an unknown key id. Runs on every authenticated call, so both
  /// hashes live on the stack.
  package func matches(_ secret: String, storedHash: String, keyID: String) -> Bool {
    withUnsafeTemporaryAllocation(byteCount: 64, alignment: 1) { buffer in
      buffer.initializeMemory(as: UInt8.self, repeating: 0)
      let computed = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<32])
      let stored = UnsafeMutableRawBufferPointer(rebasing: buffer[32..<64])
      guard let key = keys.key(id: keyID), Hex.decode(storedHash, into: stored) else {
        // Spend the same work as a real check, so timing says nothing.
        Self.mac(of: secret, key: keys.current.hashingMAC, into: computed)
        _ = Sodium.constantTimeEqual(UnsafeRawBufferPointer(computed), UnsafeRawBufferPointer(stored))
        return false
      }
      Self.mac(of: secret, key: key.hashingMAC, into: computed)
      return Sodium.constantTimeEqual(UnsafeRawBufferPointer(computed), UnsafeRawBufferPointer(stored))
    }
  }

  /// The hash of `secret` under every key the server holds, for finding a token by its secret
  /// alone (a leak report carries no token id).
  package func hashesUnderEveryKey(_ secret: String) -> [String] {
    keys.all.values.map { Hex.encode(Sodium.hmacSHA256(key: $0.hashing, message: Array(secret.utf8))) }.sorted()
  }

  /// Work equal to one `matches`, for the unknown-id path (so it takes as long as a wrong secret).
  package func burn(_ secret: String) {
    _ = matches(secret, storedHash: "", keyID: keys.current.id)
  }

  /// The HMAC of `secret`'s UTF-8 bytes, read in place when the string is stored contiguously.
  private static func mac(of secret: String, key: Sodium.HMACKey, into mac: UnsafeMutableRawBufferPointer) {
    let done: Void? = secret.utf8.withContiguousStorageIfAvailable { bytes in
      key.mac(of: UnsafeRawBufferPointer(bytes), into: mac)
    }
    if done == nil { Array(secret.utf8).withUnsafeBytes { key.mac(of: $0, into: mac) } }
  }
}
