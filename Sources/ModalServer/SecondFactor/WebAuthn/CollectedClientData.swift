import Foundation
import ModalJOSE

/// The browser's `clientDataJSON` (WebAuthn Level 2 §5.8.1): what the browser says it signed for.
package struct CollectedClientData: Sendable, Equatable {
  /// `webauthn.create` or `webauthn.get`.
  package let type: String
  /// The challenge, as the bytes the server issued.
  package let challenge: [UInt8]
  /// The origin of the page that ran the ceremony.
  package let origin: String
  /// Whether it ran inside a cross-origin frame.
  package let crossOrigin: Bool

  private struct Wire: Decodable {
    let type: String
    let challenge: String
    let origin: String
    let crossOrigin: Bool?
  }

  /// Longest `clientDataJSON` read (browsers send a few hundred bytes).
  static let maximumLength = 4096

  /// Parses `json`; `malformed` when it is not the JSON object browsers send.
  package init(_ json: [UInt8]) throws(WebAuthnRefusal) {
    guard json.count <= Self.maximumLength, let wire = try? JSONDecoder().decode(Wire.self, from: Data(json)) else {
      throw .malformed("clientDataJSON is not the expected JSON object")
    }
    guard let challenge = Base64URL.decode(wire.challenge) else { throw .malformed("a challenge that is not base64url") }
    type = wire.type
    self.challenge = challenge
    origin = wire.origin
    crossOrigin = wire.crossOrigin ?? false
  }
}
