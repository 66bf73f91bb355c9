import Foundation
import RPC

/// The public keys a secret-scanning partner (GitHub) signs its reports with, by key identifier,
/// read from a document in GitHub's shape:
/// `{"public_keys":[{"key_identifier":"…","key":"-----BEGIN PUBLIC KEY-----…","is_current":true}]}`
/// (what `https://api.github.com/meta/public_keys/secret_scanning` answers).
///
/// Every listed key verifies, current or not: GitHub keeps signing with a retired key for a while
/// after it rotates, and a report signed with any key it publishes is genuine.
package struct ScanningKeys: Sendable, Equatable {
  /// The keys by identifier.
  package let keys: [String: LibCrypto.PublicKey]

  /// Keys by identifier.
  package init(keys: [String: LibCrypto.PublicKey]) { self.keys = keys }

  /// Reads a keys document; `source` names it in errors (a path or a URL).
  package init(json: [UInt8], source: String) throws(ServerError) {
    struct Document: Decodable {
      struct Key: Decodable {
        let key_identifier: String
        let key: String
      }
      let public_keys: [Key]
    }
    let document: Document
    do {
      document = try JSONDecoder().decode(Document.self, from: Data(json))
    } catch {
      throw ServerError(
        .failedPrecondition,
        "\(source) is not a secret-scanning keys document: expected {\"public_keys\":[{\"key_identifier\":…,\"key\":PEM}]}.")
    }
    var keys: [String: LibCrypto.PublicKey] = [:]
    for entry in document.public_keys {
      guard let key = LibCrypto.PublicKey.p256(pem: entry.key) else {
        throw ServerError(
          .failedPrecondition, "\(source): the key \(entry.key_identifier) is not a PEM ECDSA P-256 public key.")
      }
      keys[entry.key_identifier] = key
    }
    guard !keys.isEmpty else { throw ServerError(.failedPrecondition, "\(source) lists no public keys.") }
    self.keys = keys
  }

  /// Reads the keys document at `path`.
  package static func load(path: String) throws(ServerError) -> ScanningKeys {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ServerError(.failedPrecondition, "Could not read the secret-scanning keys file \(path).")
    }
    return try ScanningKeys(json: Array(data), source: path)
  }
}

/// Where the keys come from, re-read when a report names a key not seen yet (GitHub rotates its
/// keys), at most once a minute so unknown ids cannot make the server read the file in a loop.
package final class ScanningKeySource: Sendable {
  private struct State {
    var keys: ScanningKeys
    var lastReload: ContinuousClock.Instant
  }

  private let load: @Sendable () throws(ServerError) -> ScanningKeys
  private let state: Locked<State>
  /// The least time between two reloads.
  let reloadInterval: Duration

  /// Loads the keys once now (so a bad file stops start-up) and again through `load` when a
  /// report names an unknown key, at most once per `reloadInterval`.
  package init(
    reloadInterval: Duration = .seconds(60), load: @escaping @Sendable () throws(ServerError) -> ScanningKeys
  ) throws(ServerError) {
    self.load = load
    self.reloadInterval = reloadInterval
    state = Locked(State(keys: try load(), lastReload: .now))
  }

  /// Keys read from the file at `path`.
  package static func file(_ path: String, reloadInterval: Duration = .seconds(60)) throws(ServerError) -> ScanningKeySource {
    try ScanningKeySource(reloadInterval: reloadInterval) { () throws(ServerError) in try ScanningKeys.load(path: path) }
  }

  /// The key named `identifier`, reloading the keys once if it is unknown and the last reload is
  /// old enough; `nil` when it stays unknown (or the reload failed: the old keys are kept).
  func key(_ identifier: String) -> LibCrypto.PublicKey? {
    let (known, reloadDue) = state.withLock { state in
      (state.keys.keys[identifier], ContinuousClock.now - state.lastReload >= reloadInterval)
    }
    if let known { return known }
    guard reloadDue else { return nil }
    let fresh = try? load()
    return state.withLock { state in
      state.lastReload = .now
      if let fresh { state.keys = fresh }
      return state.keys.keys[identifier]
    }
  }
}
