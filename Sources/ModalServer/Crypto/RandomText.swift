import TextSearch

/// Random identifiers and secrets drawn from libsodium's CSPRNG, one uniform character at a time.
package enum RandomText {
  /// The base62 alphabet: digits, upper case, lower case.
  package static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

  /// `count` characters, each uniformly chosen from `alphabet` (no modulo bias).
  package static func string(count: Int, alphabet: [Character]) -> String {
    var result = ""
    result.reserveCapacity(count)
    for _ in 0..<count {
      result.append(alphabet[Int(Sodium.randomUniform(UInt32(alphabet.count)))])
    }
    return result
  }

  /// `count` base62 characters (log2(62) ≈ 5.95 bits each).
  package static func base62(count: Int) -> String {
    string(count: count, alphabet: base62)
  }

  /// An object id: `prefix` (for example `us-`) and 22 base62 characters (≈131 bits).
  package static func identifier(_ prefix: String) -> String {
    prefix + base62(count: 22)
  }

  /// Whether `text` is `prefix` followed by exactly `length` base62 characters (the shape of an id,
  /// a secret or a refresh token). Compares bytes, not characters: every authenticated call checks
  /// the shape of what it sends.
  package static func hasShape(_ text: String, prefix: String, length: Int) -> Bool {
    let bytes = text.utf8
    guard bytes.count == prefix.utf8.count + length, bytes.starts(with: prefix.utf8) else { return false }
    return isBase62(text[bytes.index(bytes.startIndex, offsetBy: prefix.utf8.count)...])
  }

  /// Whether every character of `text` is in the base62 alphabet. Read from the string's storage
  /// in one pass where it has one: every authenticated call checks the shape of what it sends.
  package static func isBase62(_ text: Substring) -> Bool {
    text.everyUTF8Byte { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
  }
}
