import TestSupport
import Testing

@testable import ModalJOSE

/// `RegisteredJWT` reads the usual shape in place and hands everything else to `JSONWebToken`: it
/// must answer every text exactly as `JSONWebToken` does (same values, same refusals).
@Suite struct RegisteredJWTTests {
  static let header = #"{"alg":"RS256","typ":"JWT","kid":"k1"}"#
  static let claims = #"{"iss":"oa-1","sub":"oa-1","aud":"modal-server","exp":1800000300,"iat":1800000000,"jti":"j-1"}"#

  /// A compact token of the raw texts given, with a signature of `signature` bytes.
  static func token(header: String = header, claims: String, signature: [UInt8] = [1, 2, 3]) -> String {
    [Array(header.utf8), Array(claims.utf8), signature].map(Base64URL.encode).joined(separator: ".")
  }

  /// What a parser made of a text, in one comparable line.
  static func outcome(_ read: () throws(JOSEError) -> RegisteredJWT) -> String {
    do {
      let token = try read()
      return "\(token.algorithm) \(String(describing: token.issuer)) \(String(describing: token.subject)) "
        + "\(token.audiences) \(String(describing: token.expiresAt)) \(String(describing: token.notBefore)) "
        + "\(String(describing: token.issuedAt)) \(String(describing: token.id))"
    } catch {
      return "refused: \(error)"
    }
  }

  /// The in-place reading of `compact`, when it has one, equals `JSONWebToken`'s (the general
  /// path), and so does the reading `init(compact:)` gives. Returns whether it was read in place.
  @discardableResult
  static func expectSameReading(_ compact: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    let general = outcome { () throws(JOSEError) in try RegisteredJWT(general: compact) }
    let chosen = outcome { () throws(JOSEError) in try RegisteredJWT(compact: compact) }
    #expect(chosen == general, "\(compact)", sourceLocation: sourceLocation)
    guard let inPlace = RegisteredJWT(inPlace: compact) else { return false }
    #expect(outcome { inPlace } == general, "\(compact)", sourceLocation: sourceLocation)
    return true
  }

  @Test(arguments: [
    #"{}"#, #" { "iss" : "a" , "aud" : [ "x" , "y,z" ] } "#, #"{"aud":[]}"#, #"{"exp":0,"nbf":-0,"iat":-12}"#,
    #"{"exp":999999999999999}"#, #"{"other":true,"x":null,"y":false,"z":["q"]}"#, "{\"iss\":\"a\"}\n",
    "{" + (0..<16).map { "\"k\($0)\":1" }.joined(separator: ",") + "}",
  ])
  func usualClaimSetsAreReadInPlace(_ claims: String) {
    #expect(Self.expectSameReading(Self.token(claims: claims)), "read in place")
  }

  @Test func readsTheUsualShapeAsJSONWebTokenDoes() throws {
    let token = try RegisteredJWT(compact: Self.token(claims: Self.claims))
    #expect(token.algorithm == .rs256)
    #expect(token.issuer == "oa-1" && token.subject == "oa-1" && token.id == "j-1")
    #expect(token.names(audience: "modal-server") && !token.names(audience: "modal"))
    #expect(token.expiresAt == 1_800_000_300 && token.issuedAt == 1_800_000_000 && token.notBefore == nil)
    #expect(Self.expectSameReading(Self.token(claims: Self.claims)), "read in place")
  }

  @Test(arguments: [
    // Numbers left to JSONParser.
    #"{"exp":1000000000000000}"#, #"{"exp":123456789012345678901}"#, #"{"exp":1.5}"#, #"{"exp":17e8}"#,
    #"{"exp":1E1}"#, #"{"exp":01}"#, #"{"exp":-}"#, #"{"exp":1e999}"#, #"{"exp":1.}"#, #"{"exp":-01}"#,
    // Wrong types of registered claims.
    #"{"iss":1}"#, #"{"sub":null}"#, #"{"jti":["a"]}"#, #"{"exp":"1"}"#, #"{"nbf":true}"#, #"{"aud":1}"#,
    #"{"aud":["a",1]}"#, #"{"aud":{"a":"b"}}"#, #"{"iat":[1]}"#,
    // Escapes, Unicode and control characters.
    #"{"iss":"\u0041"}"#, #"{"iss":"a\"b"}"#, #"{"sub":"\ud83d\ude00"}"#, #"{"sub":"\ud83d"}"#, #"{"i\u0073s":1}"#,
    "{\"sub\":\"é\"}", "{\"sub\":\"a\u{1}b\"}", "{\"aud\":[\"é\"]}", #"{"sub":"\x"}"#,
    // Duplicates, nesting, structure.
    #"{"iss":"a","iss":"b"}"#, #"{"x":1,"x":1}"#, #"{"n":{"a":1,"a":2}}"#, #"{"n":{"a":1}}"#, #"{"n":[[1]]}"#,
    #"{"iss":"a",}"#, #"{,}"#, #"{"iss" "a"}"#, #"{"iss":"a"} x"#, #"[]"#, #""a""#, #"{"iss":"a""#, "",
    #"{"a":tru}"#, #"{"a":truex}"#, #"{"a":nul}"#, #"{"a":[,]}"#, #"{"a":["b",]}"#, #"{"a":["b"}"#, #"{1:2}"#,
    "{" + (0..<17).map { "\"k\($0)\":1" }.joined(separator: ",") + "}",
    "{\"jti\":\"" + String(repeating: "j", count: 9000) + "\"}",
  ])
  func claimSetsAreReadAsJSONWebTokenReadsThem(_ claims: String) {
    Self.expectSameReading(Self.token(claims: claims))
  }

  @Test(arguments: [
    #"{"alg":"none"}"#, #"{"alg":"HS256"}"#, #"{"alg":"hs256"}"#, #"{"alg":"ES256"}"#, #"{"alg":"EdDSA"}"#,
    #"{"alg":"PS256"}"#, #"{"typ":"JWT"}"#, #"{"alg":256}"#, #"{"alg":"RS256","crit":["x"]}"#,
    #"{"alg":"RS256","alg":"RS256"}"#, #"{"alg":"RS\u0032\u0035\u0036"}"#, #"{"alg":"RS256","kid":7}"#, "x",
  ])
  func headersAreReadAsJSONWebTokenReadsThem(_ header: String) {
    Self.expectSameReading(Self.token(header: header, claims: Self.claims))
  }

  @Test func brokenCompactFormsAreRefusedAlike() {
    let good = Self.token(claims: Self.claims)
    for text in [
      good + ".x", String(good.dropLast(4)) + "====", "a.b", "a..b", "..", good.split(separator: ".").joined(separator: ".="),
      good + "A", String(repeating: "A", count: JSONWebToken.maximumLength) + "." + good, "é.é.é",
    ] {
      Self.expectSameReading(text)
    }
  }

  /// Seeded random edits of a good claim set: whatever the bytes, both readings agree.
  @Test func randomEditsAreReadAlike() {
    var generator = SeededGenerator(seed: 16)
    let alphabet = Array(#"{}[]",:\ 0123456789-.eEtrufalsn"iss"aud"exp"#.utf8) + [0x80, 0xC3, 0xA9, 0x01]
    for _ in 0..<3000 {
      var bytes = Array(Self.claims.utf8)
      for _ in 0..<Int.random(in: 1...3, using: &generator) {
        let position = Int.random(in: 0..<bytes.count, using: &generator)
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: bytes[position] = alphabet.randomElement(using: &generator) ?? 0
        case 1: bytes.remove(at: position)
        default: bytes.insert(alphabet.randomElement(using: &generator) ?? 0, at: position)
        }
      }
      let compact = [bytes, [7]].map(Base64URL.encode).joined(separator: ".")
      Self.expectSameReading(Base64URL.encode(Array(Self.header.utf8)) + "." + compact)
    }
  }

  @Test func signaturesAreCheckedOverTheSentBytes() throws {
    let key = try JWTSigningKey.generate(.rs256)
    let other = try VerificationKey(try JWTSigningKey.generate(.rs256).publicKey)
    let ready = try VerificationKey(key.publicKey)
    let compact = try key.sign(header: [:], claims: ["iss": "oa-1", "exp": .number(1_800_000_300), "jti": "j"])
    let token = try RegisteredJWT(compact: compact)
    #expect(token.isSigned(by: ready))
    #expect(!token.isSigned(by: other))
    let parts = compact.split(separator: ".").map(String.init)
    let forged = try RegisteredJWT(compact: Self.token(header: #"{"alg":"RS256"}"#, claims: #"{"iss":"oa-2"}"#)
      .split(separator: ".").prefix(2).joined(separator: ".") + "." + parts[2])
    #expect(!forged.isSigned(by: ready), "a signature moved onto other claims")
    // A token the general path reads (an escape in the claims) is checked the same way.
    let escaped = try key.sign(header: [:], claims: ["iss": "o\"a", "exp": .number(1_800_000_300)])
    #expect(try RegisteredJWT(compact: escaped).isSigned(by: ready))
    #expect(try !RegisteredJWT(compact: escaped).isSigned(by: other))
  }
}
