/// The authenticator data of a WebAuthn response (WebAuthn Level 2 §6.1): rpIdHash (32 bytes),
/// flags (1), signCount (4, big-endian), then attested credential data when AT is set and an
/// extensions map when ED is set. Parsing is strict: every byte must be accounted for.
package struct AuthenticatorData: Sendable, Equatable {
  /// The flag bits the server reads.
  package struct Flags: OptionSet, Sendable, Equatable {
    package let rawValue: UInt8
    /// Creates flags from the byte.
    package init(rawValue: UInt8) { self.rawValue = rawValue }
    /// User present.
    package static let userPresent = Flags(rawValue: 0x01)
    /// User verified (PIN, biometrics).
    package static let userVerified = Flags(rawValue: 0x04)
    /// Attested credential data follows.
    package static let attestedCredentialData = Flags(rawValue: 0x40)
    /// Extension data follows.
    package static let extensionData = Flags(rawValue: 0x80)
  }

  /// A new credential, present in registration responses.
  package struct AttestedCredential: Sendable, Equatable {
    /// The authenticator model (16 bytes; zeros under `none` attestation).
    package let aaguid: [UInt8]
    /// The credential id.
    package let credentialID: [UInt8]
    /// The credential public key.
    package let publicKey: COSEKey
  }

  /// SHA-256 of the relying party id the authenticator used.
  package let rpIDHash: [UInt8]
  /// The flags byte.
  package let flags: Flags
  /// The signature counter (0 when the authenticator keeps none).
  package let signCount: UInt32
  /// The attested credential, when AT is set.
  package let attestedCredential: AttestedCredential?

  /// Longest credential id accepted (WebAuthn allows 1023 bytes).
  static let maximumCredentialIDLength = 1023

  /// Parses `bytes`; `malformed` when a field is short, a length is wrong or bytes are left over.
  package init(_ bytes: [UInt8]) throws(WebAuthnRefusal) {
    guard bytes.count >= 37 else { throw .malformed("authenticator data shorter than 37 bytes") }
    rpIDHash = Array(bytes[0..<32])
    flags = Flags(rawValue: bytes[32])
    signCount = bytes[33..<37].reduce(0) { ($0 << 8) | UInt32($1) }
    var offset = 37
    if flags.contains(.attestedCredentialData) {
      attestedCredential = try Self.attestedCredential(bytes, offset: &offset)
    } else {
      attestedCredential = nil
    }
    if flags.contains(.extensionData) {
      var decoder = CBORDecoder(bytes, offset: offset)
      do { _ = try decoder.decodeOne() } catch { throw .malformed("extension data that is not CBOR") }
      offset = decoder.offset
    }
    guard offset == bytes.count else { throw .malformed("bytes left after the authenticator data") }
  }

  private static func attestedCredential(_ bytes: [UInt8], offset: inout Int) throws(WebAuthnRefusal)
    -> AttestedCredential
  {
    guard bytes.count >= offset + 18 else { throw .malformed("attested credential data cut short") }
    let aaguid = Array(bytes[offset..<(offset + 16)])
    let length = Int(bytes[offset + 16]) << 8 | Int(bytes[offset + 17])
    offset += 18
    guard length > 0, length <= maximumCredentialIDLength, bytes.count >= offset + length else {
      throw .malformed("a credential id of the wrong length")
    }
    let credentialID = Array(bytes[offset..<(offset + length)])
    offset += length
    var decoder = CBORDecoder(bytes, offset: offset)
    let key: CBOR
    do { key = try decoder.decodeOne() } catch { throw .malformed("a credential public key that is not CBOR") }
    offset = decoder.offset
    return AttestedCredential(aaguid: aaguid, credentialID: credentialID, publicKey: try COSEKey(cbor: key))
  }
}
