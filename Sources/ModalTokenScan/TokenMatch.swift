import ModalTokenFormat

/// One token-shaped string found in a text: where it is and what it looks like.
package struct TokenMatch: Sendable, Equatable {
  /// What the string is.
  package enum Kind: Sendable, Equatable {
    /// A checksummed secret whose checksum matches (`as-` + 36): almost surely real.
    case checksummedSecret
    /// A secret of a shape that carries no checksum (`as-` + 22 from Modal, `as-` + 24 from older
    /// modal-server): it cannot be verified offline.
    case uncheckedSecret
    /// The shape of a checksummed secret, damaged (wrong checksum, characters missing or extra):
    /// a look-alike, not a finding unless asked for.
    case mistypedSecret(TokenSecretProblem)
    /// A token id (`ak-` + 22): public, but it names the token a nearby secret belongs to.
    case tokenID
  }

  /// What the string is.
  package let kind: Kind
  /// Its first byte's offset in the scanned text.
  package let offset: Int
  /// Its length in bytes.
  package let length: Int
  /// The 1-based line it starts on.
  package let line: Int
  /// The 1-based column it starts at, in Unicode code points from the start of the line.
  package let column: Int
  /// The string itself: a secret is kept only to be masked or hashed, never printed.
  package let value: String

  /// Whether it is a secret (of any confidence) that counts as a finding.
  package var isSecret: Bool {
    switch kind {
    case .checksummedSecret, .uncheckedSecret: return true
    case .mistypedSecret, .tokenID: return false
    }
  }

  /// The value safe to show: a token id whole (ids are not secret, and the user needs it to revoke
  /// the token), a secret as its prefix, 3 characters, `…` and its last 4 characters.
  package var masked: String { kind == .tokenID ? value : TokenMask.mask(value) }
}

/// How secrets are shown in output: enough to recognise one, far too little to use it.
package enum TokenMask {
  /// Characters kept after the prefix and at the end.
  static let head = 3
  static let tail = 4

  /// `as-AbC…xyz1` for a secret; a string too short to keep anything hidden is replaced whole.
  package static func mask(_ secret: String) -> String {
    let characters = Array(secret)
    let prefix = TokenSecretFormat.prefix.count
    guard characters.count >= prefix + head + tail + 8 else { return TokenSecretFormat.prefix + "…" }
    return String(characters[..<(prefix + head)]) + "…" + String(characters[(characters.count - tail)...])
  }
}
