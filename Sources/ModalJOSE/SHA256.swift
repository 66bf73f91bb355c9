internal import CCryptoLoader

/// SHA-256 over libcrypto, which is opened on first use (so `modal` does not load it at start):
/// one digest for JWK thumbprints here and for the SDK's leak reports.
package enum SHA256 {
  /// The 32-byte digest of `bytes`, or `nil` when libcrypto cannot be loaded.
  package static func digest(_ bytes: [UInt8]) -> [UInt8]? {
    var digest = [UInt8](repeating: 0, count: 32)
    return jose_sha256(bytes, bytes.count, &digest) == 1 ? digest : nil
  }
}
