import Foundation

/// Base64url without padding (RFC 4648 §5, as JWS and WebAuthn use it).
package enum Base64URL {
  /// `bytes` as base64url text without `=` padding.
  package static func encode(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// The bytes of base64url `text` (padding optional), or `nil` when it is not base64url.
  package static func decode(_ text: String) -> [UInt8]? {
    guard !text.contains("+"), !text.contains("/") else { return nil }
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Data(base64Encoded: base64).map(Array.init)
  }
}
