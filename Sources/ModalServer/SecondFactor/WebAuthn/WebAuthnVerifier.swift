/// The relying-party checks of WebAuthn Level 2 (§7.1 registration, §7.2 authentication) for one
/// dashboard origin. It verifies what the browser sent against the challenge the caller issued;
/// issuing, single use and expiry of challenges are `PasskeyService`'s (the store's table).
///
/// Accepted attestation: `none`, and `packed` self-attestation (signed by the new credential
/// itself). Attestation certificates (`x5c`) are refused: the server does not keep trust anchors,
/// and browsers send `none` when asked for no attestation, as the dashboard asks.
package struct WebAuthnVerifier: Sendable {
  /// The relying party id: the dashboard's host name.
  package let rpID: String
  /// The dashboard's origin, e.g. `https://modal.example.com`.
  package let origin: String

  /// A verifier for `origin`, with the relying party id its host.
  package init(rpID: String, origin: String) {
    self.rpID = rpID
    self.origin = origin
  }

  /// A registration that verified.
  package struct Registration: Sendable, Equatable {
    /// The new credential's id.
    package let credentialID: [UInt8]
    /// Its public key.
    package let publicKey: COSEKey
    /// The counter it starts at.
    package let signCount: UInt32
    /// Whether the authenticator verified the user.
    package let userVerified: Bool
  }

  /// Verifies a `navigator.credentials.create` response to `challenge`.
  package func verifyRegistration(clientDataJSON: [UInt8], attestationObject: [UInt8], challenge: [UInt8])
    throws(WebAuthnRefusal) -> Registration
  {
    try check(CollectedClientData(clientDataJSON), type: "webauthn.create", challenge: challenge)
    let attestation: CBOR
    do { attestation = try CBORDecoder.decode(attestationObject) } catch {
      throw .malformed("the attestation object is not CBOR")
    }
    guard case .text(let format)? = attestation[.text("fmt")], case .bytes(let authBytes)? = attestation[.text("authData")],
      let statement = attestation[.text("attStmt")]
    else { throw .malformed("the attestation object lacks fmt, authData or attStmt") }
    let data = try AuthenticatorData(authBytes)
    try check(data)
    guard let credential = data.attestedCredential else { throw .malformed("no attested credential data") }
    let signed = authBytes + LibCrypto.sha256(clientDataJSON)
    try Self.checkAttestation(format: format, statement: statement, signed: signed, key: credential.publicKey)
    return Registration(
      credentialID: credential.credentialID, publicKey: credential.publicKey, signCount: data.signCount,
      userVerified: data.flags.contains(.userVerified))
  }

  /// An authentication that verified.
  package struct Assertion: Sendable, Equatable {
    /// The counter to store (the authenticator's new value).
    package let signCount: UInt32
    /// Whether the authenticator verified the user.
    package let userVerified: Bool
  }

  /// Verifies a `navigator.credentials.get` response to `challenge` from a credential with `key`
  /// whose counter was last `storedSignCount`.
  package func verifyAssertion(
    clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8], challenge: [UInt8], key: COSEKey,
    storedSignCount: UInt32
  ) throws(WebAuthnRefusal) -> Assertion {
    try check(CollectedClientData(clientDataJSON), type: "webauthn.get", challenge: challenge)
    let data = try AuthenticatorData(authenticatorData)
    try check(data)
    guard key.verifies(signature, of: authenticatorData + LibCrypto.sha256(clientDataJSON)) else { throw .badSignature }
    // §7.2 step 21: a counter that does not grow means a cloned authenticator, unless both are 0
    // (authenticators without a counter, such as synced passkeys, always send 0).
    guard data.signCount > storedSignCount || (data.signCount == 0 && storedSignCount == 0) else {
      throw .counterRegressed
    }
    return Assertion(signCount: data.signCount, userVerified: data.flags.contains(.userVerified))
  }

  private func check(_ client: CollectedClientData, type: String, challenge: [UInt8]) throws(WebAuthnRefusal) {
    guard client.type == type else { throw .wrongType }
    guard Sodium.constantTimeEqual(client.challenge, challenge), !challenge.isEmpty else { throw .wrongChallenge }
    guard client.origin == origin, !client.crossOrigin else { throw .wrongOrigin }
  }

  private func check(_ data: AuthenticatorData) throws(WebAuthnRefusal) {
    guard data.rpIDHash == LibCrypto.sha256(Array(rpID.utf8)) else { throw .wrongRelyingParty }
    guard data.flags.contains(.userPresent) else { throw .userNotPresent }
  }

  private static func checkAttestation(format: String, statement: CBOR, signed: [UInt8], key: COSEKey)
    throws(WebAuthnRefusal)
  {
    switch format {
    case "none":
      guard case .map(let entries) = statement, entries.isEmpty else {
        throw .unsupportedAttestation("a 'none' attestation with a statement")
      }
    case "packed":
      guard statement[.text("x5c")] == nil, statement[.text("ecdaaKeyId")] == nil else {
        throw .unsupportedAttestation("attestation certificates are not checked; ask for attestation 'none'")
      }
      guard let alg = statement[.text("alg")]?.integer, alg == key.algorithm else {
        throw .unsupportedAttestation("a self-attestation whose algorithm is not the credential's")
      }
      guard case .bytes(let signature)? = statement[.text("sig")], key.verifies(signature, of: signed) else {
        throw .badSignature
      }
    default: throw .unsupportedAttestation("format '\(format)'")
    }
  }
}
