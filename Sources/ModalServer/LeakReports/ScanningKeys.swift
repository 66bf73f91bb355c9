import Foundation
import HTTPFetch
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

  /// Fetches the keys document at `url`: https, or http to this machine only (a local mirror, a test).
  package static func fetch(url: String) async throws(ServerError) -> ScanningKeys {
    guard isAllowed(url) else {
      throw ServerError(
        .failedPrecondition, "The secret-scanning keys URL must be https (http only to 127.0.0.1, [::1] or localhost).")
    }
    let response: HTTPFetch.HTTPResponse
    do {
      response = try await HTTPFetch.fetch(HTTPFetch.HTTPRequest(url: url, headers: ["Accept": "application/json"]))
    } catch {
      throw ServerError(.failedPrecondition, "Could not fetch the secret-scanning keys: \(error.description)")
    }
    guard response.status == 200 else {
      throw ServerError(.failedPrecondition, "The secret-scanning keys URL answered HTTP \(response.status), not 200.")
    }
    return try ScanningKeys(json: response.body, source: "The secret-scanning keys URL")
  }

  /// Whether keys may be fetched from `url`.
  static func isAllowed(_ url: String) -> Bool {
    let lowered = url.lowercased()
    if lowered.hasPrefix("https://") { return true }
    return ["http://127.0.0.1:", "http://127.0.0.1/", "http://[::1]:", "http://[::1]/", "http://localhost:", "http://localhost/"]
      .contains { lowered.hasPrefix($0) }
  }
}

/// Where the keys come from (a file or a URL), loaded again when a report names a key not seen yet
/// (GitHub rotates its keys), at most once per `reloadInterval` so unknown ids cannot make the
/// server read or fetch in a loop.
package final class ScanningKeySource: Sendable {
  private struct State {
    var keys: ScanningKeys
    var lastReload: ContinuousClock.Instant
  }

  private let load: @Sendable () async throws(ServerError) -> ScanningKeys
  private let state: Locked<State>
  /// The least time between two reloads.
  let reloadInterval: Duration

  /// Loads the keys once now (so a bad file or URL stops start-up) and again through `load` when
  /// a report names an unknown key, at most once per `reloadInterval`.
  package init(
    reloadInterval: Duration = .seconds(60), load: @escaping @Sendable () async throws(ServerError) -> ScanningKeys
  ) async throws(ServerError) {
    self.load = load
    self.reloadInterval = reloadInterval
    state = Locked(State(keys: try await load(), lastReload: .now))
  }

  /// Keys from `location`: an `https://` (or loopback `http://`) URL, else a file path.
  package static func at(_ location: String, reloadInterval: Duration = .seconds(60)) async throws(ServerError)
    -> ScanningKeySource
  {
    let lowered = location.lowercased()
    if lowered.hasPrefix("https://") || lowered.hasPrefix("http://") {
      return try await ScanningKeySource(reloadInterval: reloadInterval) { () async throws(ServerError) in
        try await ScanningKeys.fetch(url: location)
      }
    }
    return try await ScanningKeySource(reloadInterval: reloadInterval) { () throws(ServerError) in
      try ScanningKeys.load(path: location)
    }
  }

  /// The key named `identifier`, reloading the keys once if it is unknown and the last reload is
  /// old enough; `nil` when it stays unknown (or the reload failed: the old keys are kept).
  func key(_ identifier: String) async -> LibCrypto.PublicKey? {
    // The reload is claimed under the lock, so concurrent reports with unknown ids load once.
    let (known, reloadClaimed) = state.withLock { state in
      if let key = state.keys.keys[identifier] { return (Optional(key), false) }
      guard ContinuousClock.now - state.lastReload >= reloadInterval else { return (nil, false) }
      state.lastReload = .now
      return (nil, true)
    }
    if let known { return known }
    guard reloadClaimed else { return nil }
    let fresh = try? await load()
    return state.withLock { state in
      if let fresh { state.keys = fresh }
      return state.keys.keys[identifier]
    }
  }
}
