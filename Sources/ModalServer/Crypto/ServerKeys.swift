import Foundation

/// The server's secret master keys, kept in `<data-dir>/server-keys` (mode 0600), and the
/// purpose-specific subkeys derived from them.
///
/// The file holds one key per line, `<key id> <64 hex digits>`; the first line is the current key,
/// later lines are older keys still accepted for verification (so the key can rotate: add a new
/// first line, keep the old one until every hash made with it is gone). Several replicas of one
/// deployment must share the file.
package struct ServerKeys: Sendable {
  /// One master key and the subkeys derived from it.
  package struct Key: Sendable {
    /// The key id stored beside every hash made with it.
    package let id: String
    /// Keys the HMAC-SHA-256 of token secrets, flow wait secrets and session ids.
    package let hashing: [UInt8]
    /// `hashing`, ready for the MAC of every authenticated call's secret.
    package let hashingMAC: Sodium.HMACKey
    /// Signs the JWTs of `AuthTokenGet` (HS256).
    package let jwt: [UInt8]
    /// Encrypts secret values at rest.
    package let encryption: [UInt8]
    /// Identifies the key material without revealing it (a derived subkey, hex), so a database
    /// can tell the right key file from an edited or foreign one.
    package let fingerprint: String

    /// Derives the subkeys of a 32-byte master key.
    package init(id: String, master: [UInt8]) {
      self.id = id
      hashing = Sodium.deriveKey(from: master, id: 1, context: "mdlhash_")
      hashingMAC = Sodium.HMACKey(hashing)
      jwt = Sodium.deriveKey(from: master, id: 2, context: "mdljwt__")
      encryption = Sodium.deriveKey(from: master, id: 3, context: "mdlenc__")
      fingerprint = Hex.encode(Sodium.deriveKey(from: master, id: 4, context: "mdlfpr__"))
    }
  }

  /// The key new hashes, signatures and ciphertexts are made with.
  package let current: Key
  /// Every key by id, the current one included.
  package let all: [String: Key]

  /// Keys from explicit master keys, the first being current (for tests and tools).
  package init(keys: [(id: String, master: [UInt8])]) {
    precondition(!keys.isEmpty)
    let made = keys.map { Key(id: $0.id, master: $0.master) }
    current = made[0]
    all = Dictionary(made.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
  }

  /// A fresh random key (for tests and in-memory servers).
  package static func random() -> ServerKeys {
    ServerKeys(keys: [(id: "k" + RandomText.base62(count: 6), master: Sodium.randomBytes(32))])
  }

  /// The key for `id`, if known.
  package func key(id: String) -> Key? { all[id] }

  /// The file name inside the data folder.
  package static let fileName = "server-keys"

  /// The key file's path in `dataDirectory`.
  package static func path(dataDirectory: String) -> String {
    dataDirectory + "/" + fileName
  }

  /// Loads the keys of `dataDirectory`, creating the file with one new random key when it does
  /// not exist (for tools and tests; `serve` checks a new key against the database first).
  package static func loadOrCreate(dataDirectory: String) throws(ServerError) -> ServerKeys {
    let folder = DataFolder(path: dataDirectory)
    if let keys = try folder.existingKeys() { return keys }
    return try folder.writeKeys(generate())
  }

  /// One new random key and the key file line that holds it (`<id> <64 hex digits>`).
  package static func generate() -> (keys: ServerKeys, fileLine: String) {
    let id = "k" + RandomText.base62(count: 6)
    let master = Sodium.randomBytes(32)
    return (ServerKeys(keys: [(id: id, master: master)]), "\(id) \(Hex.encode(master))\n")
  }

  /// Writes a key file made by `generate()` into `dataDirectory` (mode 0600, atomically, never
  /// over an existing file); returns the keys in the file afterwards (another process's, if it
  /// created the file first).
  package static func write(_ generated: (keys: ServerKeys, fileLine: String), dataDirectory: String) throws(ServerError)
    -> ServerKeys
  {
    try DataFolder(path: dataDirectory).writeKeys(generated)
  }

  /// The keys with their fingerprints, as `Store.registerKeys` takes them.
  package var fingerprints: [(id: String, fingerprint: String)] {
    all.values.sorted { $0.id < $1.id }.map { (id: $0.id, fingerprint: $0.fingerprint) }
  }

  /// Loads and checks a key file.
  package static func load(path: String) throws(ServerError) -> ServerKeys {
    try load(path: path, fileSystem: LocalFileSystem())
  }

  /// Loads and checks the key file at `path` of `fileSystem`: readable by its owner only, one
  /// `<key id> <64 hex digits>` per line (blank lines and `#` comments allowed), at least one key.
  static func load(path: String, fileSystem: any ServerFileSystem) throws(ServerError) -> ServerKeys {
    let text: String
    do {
      text = try fileSystem.readText(path)
    } catch {
      throw ServerError(.internal, "Could not read the server key file \(path): \(error.description)")
    }
    if let mode = fileSystem.permissions(of: path), mode & 0o077 != 0 {
      throw ServerError(
        .failedPrecondition, "The server key file \(path) is readable by other users; run `chmod 600 \(path)`.")
    }
    var keys: [(id: String, master: [UInt8])] = []
    for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let parts = line.split(separator: " ", omittingEmptySubsequences: true)
      guard parts.count == 2, let master = Hex.decode(String(parts[1])), master.count == 32 else {
        throw ServerError(
          .failedPrecondition,
          "The server key file \(path) is malformed at line \(number + 1): expected `<key id> <64 hex digits>`.")
      }
      keys.append((id: String(parts[0]), master: master))
    }
    guard !keys.isEmpty else {
      throw ServerError(.failedPrecondition, "The server key file \(path) holds no key.")
    }
    return ServerKeys(keys: keys)
  }
}
