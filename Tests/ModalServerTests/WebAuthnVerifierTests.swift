import Testing

@testable import ModalServer

/// The WebAuthn relying-party checks, against responses from `TestAuthenticator` (keys generated
/// by libcrypto in the test): what verifies, and each refusal.
@Suite struct WebAuthnVerifierTests {
  let verifier = WebAuthnVerifier(rpID: "dash.test", origin: "https://dash.test")
  let challenge: [UInt8] = Array(0..<32)

  @Test(arguments: [TestAuthenticator.Algorithm.es256, .edDSA])
  func parsesAuthenticatorData(_ algorithm: TestAuthenticator.Algorithm) throws {
    let authenticator = TestAuthenticator(algorithm)
    let bytes = authenticator.authenticatorData(
      rpID: "dash.test", flags: 0x45, signCount: 0x0102_0304, attested: authenticator.coseMap())
    let data = try AuthenticatorData(bytes)
    #expect(data.rpIDHash == LibCrypto.sha256(Array("dash.test".utf8)))
    #expect(data.flags == [.userPresent, .userVerified, .attestedCredentialData])
    #expect(data.signCount == 0x0102_0304)
    #expect(data.attestedCredential?.credentialID == authenticator.credentialID)
    #expect(data.attestedCredential?.publicKey == authenticator.coseKey)
    #expect(data.attestedCredential?.aaguid == [UInt8](repeating: 0, count: 16))
    let plain = try AuthenticatorData(authenticator.authenticatorData(rpID: "dash.test", flags: 0x01, signCount: 7))
    #expect(plain.attestedCredential == nil && plain.signCount == 7)
  }

  @Test func refusesMalformedAuthenticatorData() {
    let authenticator = TestAuthenticator(.es256)
    let good = authenticator.authenticatorData(rpID: "dash.test", flags: 0x41, signCount: 0, attested: authenticator.coseMap())
    var zeroLength = good
    zeroLength[53] = 0
    zeroLength[54] = 0
    for bytes in [
      Array(good.prefix(36)), good + [0], Array(good.dropLast()), zeroLength,
      authenticator.authenticatorData(rpID: "dash.test", flags: 0x41, signCount: 0),  // AT set, nothing follows
      authenticator.authenticatorData(rpID: "dash.test", flags: 0x81, signCount: 0),  // ED set, nothing follows
    ] {
      #expect(throws: WebAuthnRefusal.self) { try AuthenticatorData(bytes) }
    }
  }

  @Test func decodesCOSEKeysAndRefusesOtherAlgorithms() throws {
    for algorithm in [TestAuthenticator.Algorithm.es256, .edDSA] {
      let authenticator = TestAuthenticator(algorithm)
      let key = try COSEKey(cbor: authenticator.coseMap())
      #expect(key == authenticator.coseKey)
      #expect(COSEKey(algorithm: key.algorithm, storedHex: key.storedHex) == key)
    }
    #expect(COSEKey(algorithm: -7, storedHex: String(repeating: "ab", count: 32)) == nil)
    // RS1 (-65535), RS256 (-257), ES384 (-35).
    for alg: Int64 in [-65535, -257, -35] {
      #expect(throws: WebAuthnRefusal.unsupportedAlgorithm(alg)) {
        try COSEKey(cbor: TestAuthenticator(.es256).coseMap(alg: alg))
      }
    }
    // ES256 named, but an Ed25519-shaped key; EdDSA named, but an EC2 key.
    #expect(throws: WebAuthnRefusal.self) { try COSEKey(cbor: TestAuthenticator(.edDSA).coseMap(alg: -7)) }
    #expect(throws: WebAuthnRefusal.self) { try COSEKey(cbor: TestAuthenticator(.es256).coseMap(alg: -8)) }
    #expect(throws: WebAuthnRefusal.self) { try COSEKey(cbor: .map([(.unsigned(1), .unsigned(2))])) }
  }

  @Test(arguments: [TestAuthenticator.Algorithm.es256, .edDSA], ["none", "packed"])
  func registers(_ algorithm: TestAuthenticator.Algorithm, format: String) throws {
    let authenticator = TestAuthenticator(algorithm)
    let response = authenticator.registration(challenge: challenge, format: format)
    let registration = try verifier.verifyRegistration(
      clientDataJSON: response.clientDataJSON, attestationObject: response.attestationObject, challenge: challenge)
    #expect(registration.credentialID == authenticator.credentialID)
    #expect(registration.publicKey == authenticator.coseKey)
    #expect(registration.userVerified && registration.signCount == 0)
  }

  @Test func refusesBadRegistrations() {
    let authenticator = TestAuthenticator(.es256)
    func refusal(_ response: (clientDataJSON: [UInt8], attestationObject: [UInt8]), challenge: [UInt8]? = nil)
      -> WebAuthnRefusal?
    {
      do {
        _ = try verifier.verifyRegistration(
          clientDataJSON: response.clientDataJSON, attestationObject: response.attestationObject,
          challenge: challenge ?? self.challenge)
        return nil
      } catch { return error }
    }
    #expect(refusal(authenticator.registration(challenge: challenge), challenge: Array(1..<33)) == .wrongChallenge)
    #expect(refusal(authenticator.registration(challenge: challenge, origin: "https://evil.test")) == .wrongOrigin)
    #expect(refusal(authenticator.registration(challenge: challenge, rpID: "evil.test")) == .wrongRelyingParty)
    #expect(refusal(authenticator.registration(challenge: challenge, flags: 0x44)) == .userNotPresent)
    #expect(refusal(authenticator.registration(challenge: challenge, alg: -65535)) == .unsupportedAlgorithm(-65535))
    let forged = CBOR.map([(.text("alg"), .negative(6)), (.text("sig"), .bytes(Array(repeating: 1, count: 70)))])
    #expect(refusal(authenticator.registration(challenge: challenge, format: "packed", statement: forged)) == .badSignature)
    let certified = CBOR.map([(.text("alg"), .negative(6)), (.text("x5c"), .array([.bytes([1])]))])
    if case .unsupportedAttestation? = refusal(authenticator.registration(challenge: challenge, format: "packed", statement: certified)) {
    } else { Issue.record("packed attestation with x5c was not refused") }
    if case .unsupportedAttestation? = refusal(authenticator.registration(challenge: challenge, format: "fido-u2f")) {
    } else { Issue.record("fido-u2f was not refused") }
    let get = authenticator.registration(challenge: challenge)
    let asGet = (TestAuthenticator.clientDataJSON(type: "webauthn.get", challenge: challenge, origin: "https://dash.test"),
      get.attestationObject)
    #expect(refusal(asGet) == .wrongType)
  }

  private func assert(
    _ response: (clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8]), key: COSEKey,
    stored: UInt32 = 4, challenge: [UInt8]? = nil
  ) throws(WebAuthnRefusal) -> WebAuthnVerifier.Assertion {
    try verifier.verifyAssertion(
      clientDataJSON: response.clientDataJSON, authenticatorData: response.authenticatorData,
      signature: response.signature, challenge: challenge ?? self.challenge, key: key, storedSignCount: stored)
  }

  @Test(arguments: [TestAuthenticator.Algorithm.es256, .edDSA])
  func verifiesASignIn(_ algorithm: TestAuthenticator.Algorithm) throws {
    let authenticator = TestAuthenticator(algorithm)
    let assertion = try assert(authenticator.assertion(challenge: challenge, signCount: 5), key: authenticator.coseKey)
    #expect(assertion == .init(signCount: 5, userVerified: true))
    // Authenticators without a counter send 0 every time.
    let counterless = try assert(
      authenticator.assertion(challenge: challenge, signCount: 0, flags: 0x01), key: authenticator.coseKey, stored: 0)
    #expect(counterless == .init(signCount: 0, userVerified: false))
  }

  @Test(arguments: [TestAuthenticator.Algorithm.es256, .edDSA])
  func refusesBadSignIns(_ algorithm: TestAuthenticator.Algorithm) {
    let authenticator = TestAuthenticator(algorithm)
    let key = authenticator.coseKey
    func refusal(_ body: () throws(WebAuthnRefusal) -> WebAuthnVerifier.Assertion) -> WebAuthnRefusal? {
      do { _ = try body(); return nil } catch { return error }
    }
    #expect(refusal { () throws(WebAuthnRefusal) in
      try assert(authenticator.assertion(challenge: challenge, signCount: 5, origin: "https://dash.test:8443"), key: key)
    } == .wrongOrigin)
    #expect(refusal { () throws(WebAuthnRefusal) in
      try assert(authenticator.assertion(challenge: challenge, signCount: 5, crossOrigin: true), key: key)
    } == .wrongOrigin)
    #expect(refusal { () throws(WebAuthnRefusal) in
      try assert(authenticator.assertion(challenge: challenge, signCount: 5), key: key, challenge: Array(repeating: 9, count: 32))
    } == .wrongChallenge)
    #expect(refusal { () throws(WebAuthnRefusal) in
      try assert(authenticator.assertion(challenge: challenge, signCount: 5, type: "webauthn.create"), key: key)
    } == .wrongType)
    #expect(refusal { () throws(WebAuthnRefusal) in
      try assert(authenticator.assertion(challenge: challenge, signCount: 5, rpID: "dash.test.evil"), key: key)
    } == .wrongRelyingParty)
    #expect(refusal { () throws(WebAuthnRefusal) in
      try assert(authenticator.assertion(challenge: challenge, signCount: 5, flags: 0x04), key: key)
    } == .userNotPresent)
    #expect(refusal { () throws(WebAuthnRefusal) in
      try assert(authenticator.assertion(challenge: challenge, signCount: 4), key: key)
    } == .counterRegressed)
    #expect(refusal { () throws(WebAuthnRefusal) in
      try assert(authenticator.assertion(challenge: challenge, signCount: 0), key: key)
    } == .counterRegressed)
    var tampered = authenticator.assertion(challenge: challenge, signCount: 5)
    tampered.signature[tampered.signature.count - 1] ^= 1
    #expect(refusal { () throws(WebAuthnRefusal) in try assert(tampered, key: key) } == .badSignature)
    let other = TestAuthenticator(algorithm).coseKey
    #expect(refusal { () throws(WebAuthnRefusal) in
      try assert(authenticator.assertion(challenge: challenge, signCount: 5), key: other)
    } == .badSignature)
  }
}
