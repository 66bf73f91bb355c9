import Testing

@testable import ModalJOSE

/// The examples of RFC 7515 appendix A.2 and A.3, RFC 8037 appendix A and RFC 7638 section 3.1:
/// published keys and signatures that any implementation must accept.
@Suite struct RFCExampleTests {
  /// RFC 7515 A.2's payload (claims iss, exp and is_root, with CRLFs) after each example's header.
  static let payload = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"

  static let rsaKey: [String: JSONValue] = [
    "kty": "RSA", "e": "AQAB",
    "n": """
      ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs\
      D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV\
      MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ
      """,
  ]

  static let rs256Token = """
    eyJhbGciOiJSUzI1NiJ9.\(payload).cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_\
    O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_\
    eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtV\
    rBp0igcN_IoypGlUPQGe77Rw
    """

  static let p256Key: [String: JSONValue] = [
    "kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
  ]

  static let es256Token =
    "eyJhbGciOiJFUzI1NiJ9.\(payload).DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"

  static let ed25519Key: [String: JSONValue] = [
    "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
  ]

  @Test func rs256ExampleOfRFC7515VerifiesAndReadsItsClaims() throws {
    let token = try JSONWebToken(compact: Self.rs256Token)
    let key = try JSONWebKey(jwk: Self.rsaKey)
    #expect(token.algorithm == .rs256)
    #expect(token.keyID == nil)
    #expect(token.isSigned(by: key))
    #expect(token.claims.issuer == "joe")
    #expect(token.claims.expiresAt == 1_300_819_380)
    #expect(token.claims.text("http://example.com/is_root") == "true")
    #expect(token.claims.text("exp") == "1300819380")
  }

  @Test func es256ExampleOfRFC7515Verifies() throws {
    let token = try JSONWebToken(compact: Self.es256Token)
    #expect(token.algorithm == .es256)
    #expect(token.isSigned(by: try JSONWebKey(jwk: Self.p256Key)))
    // The RSA key of A.2 does not fit ES256, whatever the signature.
    #expect(!token.isSigned(by: try JSONWebKey(jwk: Self.rsaKey)))
  }

  @Test func ed25519ExampleOfRFC8037Verifies() throws {
    // A.4 signs a text payload, not a claim set, so the signature is checked below the token type.
    let key = try JSONWebKey(jwk: Self.ed25519Key)
    let input = Array("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc".utf8)
    let signature = try #require(
      Base64URL.decode("hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"))
    #expect(key.verifies(signature, over: input, algorithm: .edDSA))
    #expect(!key.verifies(signature, over: input + [0x20], algorithm: .edDSA))
    #expect(!key.verifies(signature, over: input, algorithm: .es256))
    // RFC 8037 A.3: the key's thumbprint.
    #expect(key.thumbprint == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
  }

  @Test func thumbprintOfRFC7638Section3_1() throws {
    let key = try JSONWebKey(jwk: [
      "kty": "RSA", "e": "AQAB", "alg": "RS256", "kid": "2011-04-29",
      "n": """
        0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs\
        tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5ha\
        jrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw
        """,
    ])
    #expect(key.thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    #expect(key.keyID == "2011-04-29")
    #expect(key.jsonObject["alg"] == "RS256")
    #expect(key.jsonObject["d"] == nil)
  }
}

extension JSONValue: ExpressibleByStringLiteral {
  public init(stringLiteral value: String) { self = .string(value) }
}
