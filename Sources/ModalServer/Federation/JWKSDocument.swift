import Foundation

/// The checks a JWKS document passes before a policy stores it or a cache keeps it.
enum JWKSDocument {
  /// Refuses text that is not a JSON object with a `keys` array.
  static func check(_ text: String) throws(ServerError) {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
      object["keys"] is [Any]
    else {
      throw ServerError(.invalidArgument, "The JWKS file is not a JSON object with a \"keys\" array (RFC 7517 section 5).")
    }
  }
}
