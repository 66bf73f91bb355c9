import Foundation
import TestSupport

/// A secret-scanning partner made in the test: an ECDSA P-256 key pair from the `openssl` command
/// line (not our code, so a bug in our verification cannot hide behind the same bug in signing),
/// the keys document GitHub would publish, and signatures over report bodies.
final class ScanningSigner: @unchecked Sendable {
  let folder = TemporaryFolder()
  let keyIdentifier: String
  private let keyPath: String
  let publicKeyPEM: String

  init(keyIdentifier: String = String(repeating: "ab", count: 32)) throws {
    self.keyIdentifier = keyIdentifier
    keyPath = folder.path + "/key.pem"
    try Self.openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyPath])
    try Self.openssl(["ec", "-in", keyPath, "-pubout", "-out", folder.path + "/public.pem"])
    publicKeyPEM = try String(contentsOfFile: folder.path + "/public.pem", encoding: .utf8)
  }

  /// GitHub's keys document listing this key (and `others`, PEM by identifier).
  func keysDocument(others: [String: String] = [:]) -> String {
    var keys: [[String: Any]] = [["key_identifier": keyIdentifier, "key": publicKeyPEM, "is_current": true]]
    for (id, pem) in others { keys.append(["key_identifier": id, "key": pem, "is_current": false]) }
    let data = try! JSONSerialization.data(withJSONObject: ["public_keys": keys], options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  /// Writes the keys document into the signer's folder and returns its path.
  func writeKeysFile() -> String { folder.write(keysDocument(), to: "keys.json") }

  /// The base64 DER signature of `body` (ECDSA P-256 over SHA-256), as `Github-Public-Key-Signature` carries it.
  func sign(_ body: [UInt8]) throws -> String {
    let bodyPath = folder.path + "/body-\(UUID().uuidString)"
    let signaturePath = bodyPath + ".sig"
    try Data(body).write(to: URL(fileURLWithPath: bodyPath))
    try Self.openssl(["dgst", "-sha256", "-sign", keyPath, "-out", signaturePath, bodyPath])
    return try Data(contentsOf: URL(fileURLWithPath: signaturePath)).base64EncodedString()
  }

  /// A report body as GitHub sends it: one object per found token.
  static func body(_ tokens: [String], url: String = "https://github.com/octo/demo/blob/abc/config.toml") -> [UInt8] {
    let items = tokens.map { ["token": $0, "type": "modal_token_secret", "url": url, "source": "content"] }
    return Array(try! JSONSerialization.data(withJSONObject: items, options: [.sortedKeys]))
  }

  /// The signed report's headers.
  func headers(for body: [UInt8], keyIdentifier: String? = nil) throws -> [String: String] {
    [
      "github-public-key-identifier": keyIdentifier ?? self.keyIdentifier, "github-public-key-signature": try sign(body),
      "content-type": "application/json",
    ]
  }

  /// Runs the `openssl` command line (key material made outside our code); throws with its stderr.
  @discardableResult
  static func openssl(_ arguments: [String]) throws -> ProcessOutput {
    let output = try ProcessRunner.run("/usr/bin/openssl", arguments, environment: ["PATH": "/usr/bin:/bin"])
    guard output.status == 0 else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments[0]): \(output.stderr)"])
    }
    return output
  }
}
