import ModalJOSE

/// The check a JWKS document passes before a policy stores it.
enum JWKSDocument {
  /// Refuses text that is not a JWK Set with at least one key this server can use.
  static func check(_ text: String) throws(ServerError) {
    let keys: JSONWebKeySet
    do {
      keys = try JSONWebKeySet(json: Array(text.utf8))
    } catch {
      throw ServerError(.invalidArgument, "The JWKS file is not a JSON Web Key Set: \(error.description)")
    }
    guard !keys.keys.isEmpty else {
      throw ServerError(
        .invalidArgument, "The JWKS file has no usable keys (RSA of 2048 bits or more, EC P-256 or Ed25519 signing keys).")
    }
  }
}
