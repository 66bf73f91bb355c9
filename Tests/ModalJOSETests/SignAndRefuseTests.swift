import Testing

@testable import ModalJOSE

/// Round trips with generated keys, and every way a token must be refused.
@Suite struct SignAndRefuseTests {
  static let now = 1_800_000_000
  static let claims: [String: JSONValue] = [
    "iss": "https://issuer.example", "sub": "repo:acme/app:ref:refs/heads/main", "aud": .array(["modal", "other"]),
    "exp": .number(Double(now + 300)), "iat": .number(Double(now)), "jti": "id-1", "run": .number(42),
  ]

  @Test(arguments: JWSAlgorithm.allCases)
  func signedTokensVerifyWithTheirKeyOnly(_ algorithm: JWSAlgorithm) throws {
    let key = try JWTSigningKey.generate(algorithm)
    let other = try JWTSigningKey.generate(algorithm)
    let compact = try key.sign(header: ["kid": .string(key.publicKey.keyID ?? "")], claims: Self.claims)
    let token = try JSONWebToken(compact: compact)
    #expect(token.algorithm == algorithm)
    #expect(token.header["typ"] == "JWT")
    #expect(token.keyID == key.publicKey.thumbprint)
    #expect(token.isSigned(by: key.publicKey))
    #expect(!token.isSigned(by: other.publicKey))
    // A key made ready once answers as the JWK does, call after call.
    let ready = try VerificationKey(key.publicKey)
    #expect(!token.isSigned(by: try VerificationKey(other.publicKey)))
    let answers = (0..<8).map { _ in token.isSigned(by: ready) }
    #expect(answers.allSatisfy { $0 })
    var otherAlgorithm = key.publicKey
    otherAlgorithm.algorithm = algorithm == .rs256 ? "ES256" : "RS256"
    #expect(!token.isSigned(by: try VerificationKey(otherAlgorithm)), "a key whose alg is another one")
    #expect(token.claims.audiences == ["modal", "other"])
    #expect(token.claims.subject == "repo:acme/app:ref:refs/heads/main")
    #expect(token.claims.id == "id-1")
    #expect(token.claims.text("run") == "42")
    try JWTTimeCheck().check(token.claims, now: Self.now)
    // The public key survives a trip through its JWK object and a key set.
    let jwks = JSONValue.object(["keys": .array([.object(key.publicKey.jsonObject)])])
    let set = try JSONWebKeySet(json: jwks.serializedBytes)
    #expect(try token.isSigned(by: #require(set.key(id: key.publicKey.thumbprint))))
    #expect(set.candidates(for: token).count == 1)
    // And the private key through its PKCS#8 PEM.
    let reloaded = try JWTSigningKey(privateKeyPEM: key.privateKeyPEM)
    #expect(reloaded.publicKey == key.publicKey)
    #expect(reloaded.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
  }

  @Test(arguments: JWSAlgorithm.allCases)
  func aTamperedPayloadOrSignatureIsRefused(_ algorithm: JWSAlgorithm) throws {
    let key = try JWTSigningKey.generate(algorithm)
    let parts = try key.sign(claims: Self.claims).split(separator: ".").map(String.init)
    var changed = Self.claims
    changed["sub"] = "repo:attacker/app:ref:refs/heads/main"
    let forgedPayload = Base64URL.encode(JSONValue.object(changed).serializedBytes)
    let forged = try JSONWebToken(compact: [parts[0], forgedPayload, parts[2]].joined(separator: "."))
    #expect(!forged.isSigned(by: key.publicKey))
    var signature = try #require(Base64URL.decode(parts[2]))
    signature[signature.count / 2] ^= 1
    let flipped = try JSONWebToken(compact: [parts[0], parts[1], Base64URL.encode(signature)].joined(separator: "."))
    #expect(!flipped.isSigned(by: key.publicKey))
  }

  /// A key made ready keeps OpenSSL contexts between checks and lends one to each concurrent
  /// check: a refused signature must leave its context as good as before, and concurrent checks
  /// must not see each other's answers.
  @Test func aReadyKeyAnswersEachCheckOnItsOwnUnderConcurrency() async throws {
    let key = try JWTSigningKey.generate(.rs256)
    let ready = try VerificationKey(key.publicKey)
    let parts = try key.sign(claims: Self.claims).split(separator: ".").map(String.init)
    var signature = try #require(Base64URL.decode(parts[2]))
    signature[0] ^= 0x80
    let good = try RegisteredJWT(compact: parts.joined(separator: "."))
    let bad = try RegisteredJWT(compact: [parts[0], parts[1], Base64URL.encode(signature)].joined(separator: "."))
    let expected = (0..<400).map { $0 % 3 != 0 }
    let answers = await withTaskGroup(of: (Int, Bool).self) { group in
      for (index, isGood) in expected.enumerated() {
        group.addTask { (index, (isGood ? good : bad).isSigned(by: ready)) }
      }
      var answers = [Bool](repeating: false, count: expected.count)
      for await (index, answer) in group { answers[index] = answer }
      return answers
    }
    #expect(answers == expected)
  }

  @Test func unsignedAndSymmetricTokensAreRefusedBeforeAnyKeyIsTried() throws {
    let rsa = try JWTSigningKey.generate(.rs256)
    let payload = Base64URL.encode(JSONValue.object(Self.claims).serializedBytes)
    let none = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "." + payload + "."
    #expect(throws: JOSEError.unsecuredAlgorithm) { try JSONWebToken(compact: none) }
    // The classic confusion: HS256 "signed" with the RSA public key's bytes as the HMAC secret. The
    // token is refused for its algorithm before any key is consulted, so the MAC's bytes do not matter.
    let input = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8)) + "." + payload
    let mac = Base64URL.encode(Array(JSONValue.object(rsa.publicKey.jsonObject).serializedBytes.prefix(32)))
    #expect(throws: JOSEError.symmetricAlgorithm) { try JSONWebToken(compact: input + "." + mac) }
    let ps256 = Base64URL.encode(Array(#"{"alg":"PS256"}"#.utf8)) + "." + payload + ".AA"
    #expect(throws: JOSEError.unsupportedAlgorithm("PS256")) { try JSONWebToken(compact: ps256) }
  }

  @Test func malformedAndOversizedTokensAreRefusedWithDistinctErrors() throws {
    let key = try JWTSigningKey.generate(.es256)
    var claims = Self.claims
    claims["pad"] = .string(String(repeating: "x", count: 12_000))
    let large = try key.sign(claims: claims)
    #expect(large.utf8.count <= JSONWebToken.maximumLength)
    _ = try JSONWebToken(compact: large)
    let padding = JSONWebToken.maximumLength + 1 - large.utf8.count
    claims["pad"] = .string(String(repeating: "x", count: 12_000 + padding * 3 / 4 + 2))
    let tooLarge = try key.sign(claims: claims)
    #expect(tooLarge.utf8.count > JSONWebToken.maximumLength)
    #expect(throws: JOSEError.tooLong(maximum: 16384)) { try JSONWebToken(compact: tooLarge) }
    #expect(throws: JOSEError.tooLong(maximum: 16384)) {
      try JSONWebToken(compact: String(repeating: "a", count: JSONWebToken.maximumLength + 1))
    }
    #expect(throws: JOSEError.malformed("it has 2 segments, not 3")) { try JSONWebToken(compact: "abc.def") }
    #expect(throws: JOSEError.malformed("the header is not base64url")) { try JSONWebToken(compact: "a=.b.c") }
    let notJSON = Base64URL.encode(Array("{alg".utf8)) + ".e30.AA"
    #expect(throws: (any Error).self) { try JSONWebToken(compact: notJSON) }
    let stringExp =
      Base64URL.encode(Array(#"{"alg":"ES256"}"#.utf8)) + "." + Base64URL.encode(Array(#"{"exp":"soon"}"#.utf8)) + ".AA"
    #expect(throws: JOSEError.invalidClaim("exp")) { try JSONWebToken(compact: stringExp) }
  }

  @Test func timesAreCheckedWithLeeway() throws {
    let check = JWTTimeCheck()
    func claims(_ members: [String: Int]) throws -> JWTClaims {
      try JWTClaims(members.mapValues { .number(Double($0)) })
    }
    try check.check(try claims(["exp": 1000]), now: 1059)
    #expect(throws: JOSEError.expired) { try check.check(try claims(["exp": 1000]), now: 1060) }
    #expect(throws: JOSEError.missingExpiry) { try check.check(try claims([:]), now: 1000) }
    try JWTTimeCheck(requiresExpiry: false).check(try claims([:]), now: 1000)
    #expect(throws: JOSEError.notYetValid) { try check.check(try claims(["exp": 5000, "nbf": 1100]), now: 1000) }
    #expect(throws: JOSEError.issuedInFuture) { try check.check(try claims(["exp": 5000, "iat": 1100]), now: 1000) }
    try check.check(try claims(["exp": 5000, "nbf": 1050, "iat": 1050]), now: 1000)
    // Extreme values saturate instead of trapping.
    try JWTTimeCheck(requiresExpiry: false).check(try claims(["nbf": 0, "iat": 0]), now: Int.max)
    try check.check(try claims(["exp": 1000]), now: 2000, leeway: Int.max)
    #expect(throws: JOSEError.invalidClaim("exp")) { try claims(["exp": Int.max]) }
  }

  @Test func keySetsSkipKeysTheyCannotUse() throws {
    let good = try JWTSigningKey.generate(.edDSA).publicKey
    let document = JSONValue.object([
      "keys": .array([
        .object(["kty": "oct", "k": "c2VjcmV0"]),
        .object(["kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"]),
        .object(RFCExampleTests.rsaKey.merging(["use": "enc"]) { $1 }),
        .object(["kty": "RSA", "n": "AQAB", "e": "AQAB"]),
        .object(good.jsonObject),
      ])
    ])
    let set = try JSONWebKeySet(json: document.serializedBytes)
    #expect(set.keys == [good])
    #expect(throws: JOSEError.invalidKeySet("the document has no \"keys\" array")) {
      try JSONWebKeySet(json: Array("{}".utf8))
    }
  }

  @Test func errorDescriptionsNeverQuoteTheToken() throws {
    let secretLooking = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl"
    do {
      _ = try JSONWebToken(compact: secretLooking)
      Issue.record("an HS256 token was accepted")
    } catch {
      #expect(!error.description.contains("c2VjcmV0"))
      #expect(error.description.contains("HS"))
    }
  }
}
