/// A JWK Set (RFC 7517 section 5), as an OIDC issuer publishes it at its `jwks_uri`. Keys that
/// cannot verify signatures here (other key types or curves, `use: enc`, short RSA keys) are
/// skipped, not fatal: issuers publish them beside the ones that matter.
package struct JSONWebKeySet: Sendable, Equatable {
  /// The largest key set document read (real ones are a few KiB).
  package static let maximumLength = 256 * 1024

  /// The usable signature keys, in document order.
  package let keys: [JSONWebKey]

  /// A set of `keys`.
  package init(keys: [JSONWebKey]) { self.keys = keys }

  /// Parses a JWK Set document: a JSON object whose `keys` member is an array of JWK objects.
  package init(json: [UInt8]) throws(JOSEError) {
    guard json.count <= Self.maximumLength else {
      throw .invalidKeySet("the document is larger than \(Self.maximumLength) bytes")
    }
    let document: JSONValue
    do {
      document = try JSONValue(parsing: json)
    } catch {
      throw .invalidKeySet("\(error)")
    }
    guard let entries = document.object?["keys"]?.array else {
      throw .invalidKeySet("the document has no \"keys\" array")
    }
    keys = entries.compactMap { entry in
      guard let members = entry.object, members["use"]?.string ?? "sig" == "sig" else { return nil }
      return try? JSONWebKey(jwk: members)
    }
  }

  /// The first key with `kid` equal to `id`.
  package func key(id: String) -> JSONWebKey? { keys.first { $0.keyID == id } }

  /// The keys that may have signed `token`: the one its `kid` names, or, when the token has no
  /// `kid`, every key of the algorithm's kind.
  package func candidates(for token: JSONWebToken) -> [JSONWebKey] {
    if let id = token.keyID { return keys.filter { $0.keyID == id } }
    return keys.filter { $0.kind == token.algorithm.keyKind }
  }

  /// The JWK Set document of the keys (public members only), keys sorted.
  package var jsonObject: JSONValue { .object(["keys": .array(keys.map { .object($0.jsonObject) })]) }
}
