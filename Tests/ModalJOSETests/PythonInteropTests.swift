import Foundation
import Testing
import TestSupport

@testable import ModalJOSE

/// The reference venv's Python, and whether it has PyJWT and cryptography.
enum PythonJWT {
  static let python = ReferenceClient.venv + "/bin/python"

  static var isInstalled: Bool {
    (try? ProcessRunner.run(python, ["-c", "import jwt, cryptography"], environment: [:]).status) == 0
  }
}

/// Keys written by Python's `cryptography` and tokens signed by PyJWT (and by Modal's own client,
/// `modal._utils.oauth`), read and verified here; and tokens signed here, verified by PyJWT.
/// Needs `pip install 'modal[oauth]'` in the reference venv (scripts/setup.sh does it).
@Suite(.enabled(if: PythonJWT.isInstalled, "PyJWT and cryptography are not in the reference venv"))
struct PythonInteropTests {
  static let python = PythonJWT.python

  /// Runs a Python script with `input` on standard input and returns its output as JSON members.
  static func run(_ script: String, input: String = "") throws -> [String: JSONValue] {
    let output = try ProcessRunner.run(python, ["-c", script], environment: ["PATH": "/usr/bin:/bin"], stdin: input)
    try #require(output.status == 0, "python failed: \(output.stderr)")
    return try #require(try JSONValue(parsing: Array(output.stdout.utf8)).object)
  }

  @Test func pythonKeysLoadAndPythonTokensVerify() throws {
    let result = try Self.run(
      """
      import json, time, jwt
      from cryptography.hazmat.primitives import serialization as s
      from cryptography.hazmat.primitives.asymmetric import rsa, ec
      from modal._utils.oauth import OAuthAssertionProvider
      r = rsa.generate_private_key(public_exponent=65537, key_size=2048)
      e = ec.generate_private_key(ec.SECP256R1())
      def pem(k, f): return k.private_bytes(s.Encoding.PEM, f, s.NoEncryption()).decode()
      pkcs1 = pem(r, s.PrivateFormat.TraditionalOpenSSL)
      claims = {"iss": "ci", "sub": "repo", "aud": "modal", "exp": int(time.time()) + 60}
      print(json.dumps({
        "pkcs1": pkcs1, "pkcs8": pem(r, s.PrivateFormat.PKCS8), "sec1": pem(e, s.PrivateFormat.TraditionalOpenSSL),
        "public": r.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo).decode(),
        "rs256": jwt.encode(claims, r, algorithm="RS256", headers={"kid": "k1"}),
        "es256": jwt.encode(claims, e, algorithm="ES256"),
        "assertion": OAuthAssertionProvider("client-1", pkcs1.replace("\\n", "\\\\n"))()["x-modal-oauth-client-assertion"],
      }))
      """)
    let pkcs1 = try JWTSigningKey(privateKeyPEM: try #require(result["pkcs1"]?.string))
    let pkcs8 = try JWTSigningKey(privateKeyPEM: try #require(result["pkcs8"]?.string))
    let sec1 = try JWTSigningKey(privateKeyPEM: try #require(result["sec1"]?.string))
    let fromPublicPEM = try JSONWebKey(publicKeyPEM: try #require(result["public"]?.string))
    #expect(pkcs1.publicKey == pkcs8.publicKey)
    #expect(fromPublicPEM.thumbprint == pkcs1.publicKey.thumbprint)
    #expect(pkcs1.algorithm == .rs256 && sec1.algorithm == .es256)

    let rs256 = try JSONWebToken(compact: try #require(result["rs256"]?.string))
    #expect(rs256.keyID == "k1" && rs256.isSigned(by: fromPublicPEM))
    let es256 = try JSONWebToken(compact: try #require(result["es256"]?.string))
    #expect(es256.isSigned(by: sec1.publicKey) && !es256.isSigned(by: pkcs1.publicKey))

    // Modal's client names its key by the RFC 7638 thumbprint, as JWTSigningKey does.
    let assertion = try JSONWebToken(compact: try #require(result["assertion"]?.string))
    #expect(assertion.keyID == pkcs1.publicKey.thumbprint)
    #expect(assertion.isSigned(by: pkcs1.publicKey))
    #expect(assertion.claims.issuer == "client-1" && assertion.claims.subject == "client-1")
    try JWTTimeCheck().check(assertion.claims, now: Int(Date().timeIntervalSince1970))
  }

  @Test(arguments: JWSAlgorithm.allCases)
  func pyJWTVerifiesTokensSignedHere(_ algorithm: JWSAlgorithm) throws {
    let key = try JWTSigningKey.generate(algorithm)
    let token = try key.sign(header: ["kid": "swift"], claims: ["sub": "swift", "aud": "modal", "n": .number(7)])
    let input = JSONValue.object(["pem": .string(key.privateKeyPEM), "token": .string(token)]).serialized
    let result = try Self.run(
      """
      import json, sys, jwt
      from cryptography.hazmat.primitives import serialization as s
      given = json.load(sys.stdin)
      public = s.load_pem_private_key(given["pem"].encode(), None).public_key()
      claims = jwt.decode(given["token"], public, algorithms=["RS256", "ES256", "EdDSA"], audience="modal")
      print(json.dumps({"claims": claims, "kid": jwt.get_unverified_header(given["token"])["kid"]}))
      """, input: input)
    #expect(result["kid"] == "swift")
    #expect(result["claims"] == .object(["sub": "swift", "aud": "modal", "n": .number(7)]))
  }
}
