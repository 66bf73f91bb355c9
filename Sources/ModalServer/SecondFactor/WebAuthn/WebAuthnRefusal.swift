/// Why a passkey registration or sign-in was refused. Each case says what was wrong in words a
/// dashboard user can act on (`message`); none carries key material or the signed bytes.
package enum WebAuthnRefusal: Error, Sendable, Equatable {
  /// The response is not well-formed WebAuthn (what is wrong, in a few words).
  case malformed(String)
  /// `clientDataJSON.type` is not the ceremony's (`webauthn.create` or `webauthn.get`).
  case wrongType
  /// The challenge is not the one issued, was used already, or expired.
  case wrongChallenge
  /// The browser ran the ceremony for another origin, or inside a cross-origin frame.
  case wrongOrigin
  /// The authenticator data is for another relying party id.
  case wrongRelyingParty
  /// The authenticator did not report the user present (flag UP).
  case userNotPresent
  /// The signature counter did not move forward: the credential may have been cloned.
  case counterRegressed
  /// The signature does not verify with the credential's public key.
  case badSignature
  /// The credential uses a COSE algorithm the server does not verify (only ES256 -7, EdDSA -8).
  case unsupportedAlgorithm(Int64)
  /// An attestation format or statement the server does not accept.
  case unsupportedAttestation(String)
  /// No passkey of this user has that credential id.
  case unknownCredential

  /// A sentence for the person at the browser: what happened and what to do.
  package var message: String {
    switch self {
    case .malformed(let what): "The passkey response was not understood (\(what)); try again."
    case .wrongType: "The passkey response was for another kind of request; try again."
    case .wrongChallenge: "That passkey request expired or was already used; start again."
    case .wrongOrigin: "The passkey was used for another site; open the dashboard at its own address and try again."
    case .wrongRelyingParty: "The passkey belongs to another site; use a passkey made for this dashboard."
    case .userNotPresent: "The authenticator did not confirm you were there; touch it when it asks, then try again."
    case .counterRegressed:
      "This passkey's signature counter went backwards, which a copied key does; remove it and add it again."
    case .badSignature: "The passkey's signature did not verify; try again or use another second factor."
    case .unsupportedAlgorithm(let alg):
      "The authenticator offered COSE algorithm \(alg); this server accepts ES256 (-7) and EdDSA (-8) only."
    case .unsupportedAttestation(let what): "The authenticator's attestation is not accepted (\(what))."
    case .unknownCredential: "That passkey is not registered for this account; use another one or another factor."
    }
  }
}
