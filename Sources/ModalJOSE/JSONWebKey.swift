/// A public JSON Web Key (RFC 7517): RSA, EC P-256 or OKP Ed25519. Holds the key's bytes only (a
/// Sendable value); libcrypto sees them while a signature is checked.
package struct JSONWebKey: Sendable, Equatable {
  /// The kinds of key ModalJOSE uses, one per algorithm.
  package enum Kind: Sendable, CaseIterable {
    /// RSA (`kty: RSA`), for RS256.
    case rsa
    /// EC on P-256 (`kty: EC`, `crv: P-256`), for ES256.
    case p256
    /// Ed25519 (`kty: OKP`, `crv: Ed25519`), for EdDSA.
    case ed25519
  }

  /// The key's public numbers, big-endian (RSA without leading zeros, P-256 coordinates 32 bytes).
  package enum Material: Sendable, Equatable {
    /// RSA modulus and public exponent.
    case rsa(n: [UInt8], e: [UInt8])
    /// A P-256 point.
    case p256(x: [UInt8], y: [UInt8])
    /// An Ed25519 public key.
    case ed25519(x: [UInt8])
  }

  /// The shortest RSA modulus accepted, in bits (RFC 7518 section 3.3 asks for 2048).
  package static let minimumRSABits = 2048

  /// The public numbers.
  package let material: Material
  /// `kid`, if the key has one.
  package var keyID: String?
  /// `alg`, if the key is restricted to one algorithm.
  package var algorithm: String?
  /// `use` (`sig` or `enc`), if given.
  package var use: String?

  /// The key's kind.
  package var kind: Kind {
    switch material {
    case .rsa: .rsa
    case .p256: .p256
    case .ed25519: .ed25519
    }
  }

  /// A key from its public numbers, checked by libcrypto (an RSA modulus of at least 2048 bits, a
  /// point on the curve).
  package init(material: Material, keyID: String? = nil) throws(JOSEError) {
    switch material {
    case .rsa(let n, let e): self.material = .rsa(n: Self.trimmed(n), e: Self.trimmed(e))
    default: self.material = material
    }
    self.keyID = keyID
    let bits = try withCryptoKey { key in key.bits }
    if kind == .rsa && bits < Self.minimumRSABits {
      throw .invalidKey("an RSA key of \(bits) bits; at least \(Self.minimumRSABits) are needed")
    }
  }

  /// A key from a JWK object's members. Unknown members are ignored; private members (`d`, ...)
  /// are not kept.
  package init(jwk members: [String: JSONValue]) throws(JOSEError) {
    let material: Material
    switch (members["kty"]?.string, members["crv"]?.string) {
    case ("RSA", _):
      material = .rsa(n: try Self.member("n", of: members), e: try Self.member("e", of: members))
    case ("EC", "P-256"):
      let x = try Self.member("x", of: members)
      let y = try Self.member("y", of: members)
      guard x.count == 32, y.count == 32 else { throw .invalidKey("P-256 coordinates that are not 32 bytes") }
      material = .p256(x: x, y: y)
    case ("OKP", "Ed25519"):
      let x = try Self.member("x", of: members)
      guard x.count == 32 else { throw .invalidKey("an Ed25519 key that is not 32 bytes") }
      material = .ed25519(x: x)
    case (let kty, let crv):
      let name = [kty, crv].compactMap { $0 }.map(JOSEError.quoted).joined(separator: " ")
      throw .invalidKey("key type \"\(name)\" is not RSA, EC P-256 or OKP Ed25519")
    }
    try self.init(material: material, keyID: members["kid"]?.string)
    algorithm = members["alg"]?.string
    use = members["use"]?.string
  }

  /// A key from a PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
  package init(publicKeyPEM: String) throws(JOSEError) {
    guard CryptoKey.isAvailable else { throw .cryptoUnavailable }
    guard let key = CryptoKey.pem(publicKeyPEM, isPrivate: false) else {
      throw .invalidKey("the text is not a PEM public key (-----BEGIN PUBLIC KEY-----)")
    }
    try self.init(material: try Self.material(of: key))
  }

  /// The public numbers of a libcrypto key.
  static func material(of key: borrowing CryptoKey) throws(JOSEError) -> Material {
    let missing = JOSEError.invalidKey("libcrypto could not read the key's public numbers")
    switch key.kind {
    case .rsa:
      guard let n = key.component(KeyComponent.rsaModulus), let e = key.component(KeyComponent.rsaExponent) else {
        throw missing
      }
      return .rsa(n: n, e: e)
    case .p256:
      guard let x = key.component(KeyComponent.ecX), let y = key.component(KeyComponent.ecY) else { throw missing }
      return .p256(x: x, y: y)
    case .ed25519:
      guard let x = key.component(KeyComponent.okpX) else { throw missing }
      return .ed25519(x: x)
    case nil: throw .invalidKey("the key is not RSA, EC P-256 or Ed25519")
    }
  }

  /// The required public members (RFC 7638 section 3.2), the input of the thumbprint.
  package var requiredMembers: [String: JSONValue] {
    switch material {
    case .rsa(let n, let e):
      ["kty": .string("RSA"), "n": .string(Base64URL.encode(n)), "e": .string(Base64URL.encode(e))]
    case .p256(let x, let y):
      [
        "kty": .string("EC"), "crv": .string("P-256"), "x": .string(Base64URL.encode(x)),
        "y": .string(Base64URL.encode(y)),
      ]
    case .ed25519(let x): ["kty": .string("OKP"), "crv": .string("Ed25519"), "x": .string(Base64URL.encode(x))]
    }
  }

  /// The RFC 7638 thumbprint: base64url SHA-256 of the required members, keys sorted, no spaces.
  /// (Empty only when libcrypto cannot be loaded, which a key's creation has already ruled out.)
  package var thumbprint: String {
    Base64URL.encode(SHA256.digest(JSONValue.object(requiredMembers).serializedBytes) ?? [])
  }

  /// The key as a JWK object, public members only (with `kid`, `alg` and `use` when set).
  package var jsonObject: [String: JSONValue] {
    var members = requiredMembers
    if let keyID { members["kid"] = .string(keyID) }
    if let algorithm { members["alg"] = .string(algorithm) }
    if let use { members["use"] = .string(use) }
    return members
  }

  /// Whether `signature` is this key's signature of `message` with `algorithm`: false as well when
  /// the key's kind does not fit the algorithm or its `alg` names another one.
  package func verifies(_ signature: [UInt8], over message: [UInt8], algorithm: JWSAlgorithm) -> Bool {
    guard accepts(algorithm) else { return false }
    return (try? withCryptoKey { crypto in crypto.verify(signature, over: message) }) ?? false
  }

  /// Whether the key may check signatures made with `algorithm`: its kind fits, and its `alg`, if set, is it.
  func accepts(_ algorithm: JWSAlgorithm) -> Bool {
    kind == algorithm.keyKind && (self.algorithm == nil || self.algorithm == algorithm.rawValue)
  }

  /// Runs `body` with the key in libcrypto's form.
  func withCryptoKey<T>(_ body: (borrowing CryptoKey) throws(JOSEError) -> T) throws(JOSEError) -> T {
    try body(try cryptoKey())
  }

  /// The key in libcrypto's form, made now.
  func cryptoKey() throws(JOSEError) -> CryptoKey {
    guard CryptoKey.isAvailable else { throw .cryptoUnavailable }
    let made: CryptoKey? =
      switch material {
      case .rsa(let n, let e): CryptoKey.rsa(modulus: n, exponent: e)
      case .p256(let x, let y): CryptoKey.p256(x: x, y: y)
      case .ed25519(let x): CryptoKey.ed25519(x: x)
      }
    guard let key = made else { throw .invalidKey("libcrypto refused the key's numbers (not a valid \(kind) key)") }
    return key
  }

  private static func member(_ name: String, of members: [String: JSONValue]) throws(JOSEError) -> [UInt8] {
    guard let text = members[name]?.string, let bytes = Base64URL.decode(text), !bytes.isEmpty else {
      throw .invalidKey("member \"\(name)\" is missing or not base64url")
    }
    return bytes
  }

  private static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
    let trimmed = Array(bytes.drop(while: { $0 == 0 }))
    return trimmed.isEmpty ? [0] : trimmed
  }
}
