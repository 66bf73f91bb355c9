import Foundation
import ModalJOSE

/// Signs the short-lived JWTs `AuthTokenGet` returns: HS256 under the server's JWT subkey.
package struct JWTSigner: Sendable {
  /// The server keys.
  package let keys: ServerKeys

  /// Creates a signer.
  package init(keys: ServerKeys) { self.keys = keys }

  /// A compact JWS with header `{"alg":"HS256","kid":<key id>,"typ":"JWT"}` and the given claims
  /// (string and integer values), signed with the current key.
  package func sign(claims: [String: any Sendable]) -> String {
    let header: [String: Any] = ["alg": "HS256", "typ": "JWT", "kid": keys.current.id]
    let signingInput = Base64URL.encode(Self.json(header)) + "." + Base64URL.encode(Self.json(claims))
    let mac = Sodium.hmacSHA256(key: keys.current.jwt, message: Array(signingInput.utf8))
    return signingInput + "." + Base64URL.encode(mac)
  }

  /// The claims of `token` if its signature verifies under a known key (for tests and, later,
  /// the input plane); `nil` otherwise. Does not check `exp`.
  package func verify(_ token: String) -> [String: Any]? {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]),
      let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
      header["alg"] as? String == "HS256", let kid = header["kid"] as? String, let key = keys.key(id: kid),
      let signature = Base64URL.decode(parts[2]), let payload = Base64URL.decode(parts[1])
    else { return nil }
    let expected = Sodium.hmacSHA256(key: key.jwt, message: Array((parts[0] + "." + parts[1]).utf8))
    guard Sodium.constantTimeEqual(expected, signature) else { return nil }
    return try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any]
  }

  private static func json(_ object: [String: Any]) -> [UInt8] {
    Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
  }
}
