/// The format of the token secrets modal-server makes, which a scanner or a client can check with
/// no server: `as-`, 30 random base62 characters, then the CRC-32 of those 30 characters in base62,
/// left-padded with `0` to 6 characters (GitHub's token format, with Modal's prefix).
///
/// In a regular expression: `\bas-[0-9A-Za-z]{36}\b`, then keep a match only when
/// ``TokenSecretFormat/inspect(_:)`` says ``TokenSecretInspection/checksummed``: a random string of
/// that shape passes with probability 2⁻³². Secrets of other shapes (Modal's own, or made by
/// modal-server before checksums) stay valid; they are ``TokenSecretInspection/unchecked``.
package enum TokenSecretFormat {
  /// The prefix of every token secret.
  package static let prefix = "as-"
  /// Random characters after the prefix (≈178 bits).
  package static let randomLength = 30
  /// Checksum characters at the end.
  package static let checksumLength = 6
  /// Characters after the prefix: random part and checksum.
  package static let bodyLength = randomLength + checksumLength

  /// Lengths after the prefix that can only be a checksummed secret with characters lost or added
  /// (Modal's secrets have 22, older modal-server secrets 24).
  private static let nearLengths = 25...(bodyLength + 6)

  /// A secret made of `random` (``randomLength`` base62 characters) and its checksum.
  package static func secret(random: String) -> String {
    prefix + random + checksum(of: random.utf8)
  }

  /// The 6-character checksum of a random part.
  package static func checksum(of random: some Sequence<UInt8>) -> String {
    Base62.encode(CRC32.checksum(random), width: checksumLength)
  }

  /// What can be told about `secret` offline.
  package static func inspect(_ secret: String) -> TokenSecretInspection {
    var secret = secret
    return secret.withUTF8 { inspect(UnsafeRawBufferPointer($0)) }
  }

  /// What can be told offline about the secret whose UTF-8 bytes are `secret` (for scanners, which
  /// hold bytes, not strings).
  package static func inspect(_ secret: UnsafeRawBufferPointer) -> TokenSecretInspection {
    let prefixLength = 3
    guard secret.count >= prefixLength, secret[0] == 0x61, secret[1] == 0x73, secret[2] == 0x2D else {  // "as-"
      return .unchecked
    }
    let body = UnsafeRawBufferPointer(rebasing: secret[prefixLength...])
    guard nearLengths.contains(body.count) else { return .unchecked }
    if let index = body.firstIndex(where: { !Base62.contains($0) }) {
      return .mistyped(.invalidCharacter(position: prefixLength + index + 1))
    }
    if body.count < bodyLength { return .mistyped(.truncated(missing: bodyLength - body.count)) }
    if body.count > bodyLength { return .mistyped(.tooLong(extra: body.count - bodyLength)) }
    let crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: body[..<randomLength]))
    return Base62.matches(crc, UnsafeRawBufferPointer(rebasing: body[randomLength...])) ? .checksummed : .mistyped(.checksumMismatch)
  }
}

/// What ``TokenSecretFormat/inspect(_:)`` tells about a secret.
package enum TokenSecretInspection: Sendable, Equatable {
  /// A checksummed secret whose checksum matches: well formed (whether it is active, only the
  /// server knows).
  case checksummed
  /// Not a checksummed secret (Modal's own, or made by modal-server before checksums): it cannot
  /// be checked offline.
  case unchecked
  /// The shape of a checksummed secret, damaged.
  case mistyped(TokenSecretProblem)
}

/// How a checksummed secret is damaged; the texts never quote the secret.
package enum TokenSecretProblem: Sendable, Equatable, CustomStringConvertible {
  /// A character that is not a letter or digit, at this 1-based position of the whole secret.
  case invalidCharacter(position: Int)
  /// Characters missing at the end (cut off when copied).
  case truncated(missing: Int)
  /// Characters added (pasted with something else).
  case tooLong(extra: Int)
  /// The last 6 characters do not match the 30 before them: a character was changed.
  case checksumMismatch

  /// The problem in words, for an error message.
  package var description: String {
    let shape = "a modal-server secret is 'as-' and \(TokenSecretFormat.bodyLength) letters and digits"
    switch self {
    case .invalidCharacter(let position):
      return "character \(position) is not a letter or digit (\(shape))"
    case .truncated(let missing):
      return "it is \(missing) character\(missing == 1 ? "" : "s") too short (\(shape)): it was probably cut off when copied"
    case .tooLong(let extra):
      return "it has \(extra) character\(extra == 1 ? "" : "s") too many (\(shape)): something was probably pasted with it"
    case .checksumMismatch:
      return "its last \(TokenSecretFormat.checksumLength) characters, a checksum of the \(TokenSecretFormat.randomLength) before them, do not match: a character was mistyped or changed"
    }
  }
}
