import Foundation

/// Checks and encrypts the key/value pairs of secrets.
///
/// Values are encrypted at rest with the server's encryption subkey (XSalsa20-Poly1305); keys are
/// stored in clear because every listing shows them.
package enum SecretValues {
  /// The most keys in one secret.
  package static let maximumKeys = 1000
  /// The longest key, in bytes.
  package static let maximumKeyLength = 256
  /// The most bytes of keys and values together.
  package static let maximumTotalSize = 1 << 20

  /// Throws `invalidArgument` unless every key is 1-256 bytes without control characters or `=`,
  /// and the whole is within the limits.
  package static func validate(_ values: [String: String]) throws(ServerError) {
    guard values.count <= maximumKeys else {
      throw ServerError(.invalidArgument, "A secret holds at most \(maximumKeys) keys; this one has \(values.count).")
    }
    var total = 0
    for (key, value) in values {
      let bad = key.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "=" }
      guard !key.isEmpty, key.utf8.count <= maximumKeyLength, !bad else {
        throw ServerError(
          .invalidArgument,
          "Invalid secret key '\(key.prefix(64))': keys have 1-\(maximumKeyLength) bytes, without '=' or control characters.")
      }
      total += key.utf8.count + value.utf8.count
    }
    guard total <= maximumTotalSize else {
      throw ServerError(.invalidArgument, "A secret holds at most \(maximumTotalSize) bytes of keys and values.")
    }
  }

  /// Encrypts `values` with the current key.
  package static func seal(_ values: [String: String], keys: ServerKeys) throws(ServerError) -> SealedValues {
    let json: Data
    do {
      json = try JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])
    } catch {
      throw ServerError(.internal, "Could not encode the secret's values.")
    }
    let sealed = Sodium.seal(Array(json), key: keys.current.encryption)
    return SealedValues(keyID: keys.current.id, ciphertext: sealed)
  }

  /// Decrypts values sealed by `seal` (with any known key).
  package static func open(_ sealed: SealedValues, keys: ServerKeys) throws(ServerError) -> [String: String] {
    guard let key = keys.key(id: sealed.keyID) else {
      throw ServerError(.internal, "The secret was encrypted with key '\(sealed.keyID)', which is not in the key file.")
    }
    guard let plaintext = Sodium.open(sealed.ciphertext, key: key.encryption),
      let object = try? JSONSerialization.jsonObject(with: Data(plaintext)) as? [String: String]
    else {
      throw ServerError(.internal, "The secret's stored values could not be decrypted (damaged, or the wrong key file).")
    }
    return object
  }
}
