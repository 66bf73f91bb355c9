/// A private key that signs tokens: RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA). Kept as PKCS#8
/// PEM text (a Sendable value); libcrypto reads it while signing.
package struct JWTSigningKey: Sendable {
  /// The algorithm the key signs with.
  package let algorithm: JWSAlgorithm
  /// The private key, unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). A secret: never log it.
  package let privateKeyPEM: String
  /// The public half; its `keyID` is its RFC 7638 thumbprint, as Modal's client uses for `kid`.
  package let publicKey: JSONWebKey

  /// A new key for `algorithm`: RSA 2048 bits, P-256 or Ed25519.
  package static func generate(_ algorithm: JWSAlgorithm) throws(JOSEError) -> JWTSigningKey {
    guard CryptoKey.isAvailable else { throw .cryptoUnavailable }
    guard let key = CryptoKey.generate(algorithm.keyKind) else { throw .signingFailed("generate a key") }
    return try JWTSigningKey(key)
  }

  /// A key from unencrypted PEM: PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`), or SEC 1
  /// (`EC PRIVATE KEY`), as Python's `cryptography` writes them. RSA keys need 2048 bits or more.
  package init(privateKeyPEM: String) throws(JOSEError) {
    guard CryptoKey.isAvailable else { throw .cryptoUnavailable }
    guard let key = CryptoKey.pem(privateKeyPEM.replacingEscapedNewlines(), isPrivate: true) else {
      throw .invalidKey("the text is not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)")
    }
    try self.init(key)
  }

  private init(_ key: borrowing CryptoKey) throws(JOSEError) {
    guard let kind = key.kind, let algorithm = JWSAlgorithm.allCases.first(where: { $0.keyKind == kind }) else {
      throw .invalidKey("the key is not RSA, EC P-256 or Ed25519")
    }
    guard let pem = key.privateKeyPEM else { throw .signingFailed("write the key as PKCS#8") }
    var publicKey = try JSONWebKey(material: try JSONWebKey.material(of: key))
    publicKey.keyID = publicKey.thumbprint
    self.algorithm = algorithm
    self.privateKeyPEM = pem
    self.publicKey = publicKey
  }

  /// The compact JWS of `claims` with `header`: `alg` is set from the key, `typ` defaults to
  /// `JWT`; `kid` is whatever the header says (add `publicKey.keyID` to name the key).
  package func sign(header: [String: JSONValue] = [:], claims: [String: JSONValue]) throws(JOSEError) -> String {
    var header = header
    header["alg"] = .string(algorithm.rawValue)
    if header["typ"] == nil { header["typ"] = .string("JWT") }
    let signingInput =
      Base64URL.encode(JSONValue.object(header).serializedBytes) + "."
      + Base64URL.encode(JSONValue.object(claims).serializedBytes)
    guard CryptoKey.isAvailable else { throw .cryptoUnavailable }
    guard let key = CryptoKey.pem(privateKeyPEM, isPrivate: true), let signature = key.sign(Array(signingInput.utf8))
    else { throw .signingFailed("sign the token") }
    return signingInput + "." + Base64URL.encode(signature)
  }
}

extension String {
  /// Turns literal `\n` sequences into newlines: a PEM key pasted into an environment variable
  /// or a TOML value often arrives so (Modal's client does the same).
  fileprivate func replacingEscapedNewlines() -> String {
    var result = ""
    var scalars = unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
      guard scalar == "\\" else { result.unicodeScalars.append(scalar); continue }
      guard let following = scalars.next() else { result += "\\"; break }
      if following == "n" { result += "\n" } else { result.unicodeScalars.append(contentsOf: ["\\", following]) }
    }
    return result
  }
}
