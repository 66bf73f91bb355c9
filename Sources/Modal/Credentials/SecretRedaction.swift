import TextSearch

/// Hides what looks like a token secret in text that is about to be shown (a command's error
/// output, a server's message): `as-…` values, and long random-looking words such as passwords.
package enum SecretRedaction {
  /// The text with every `as-…` value masked as ``Credentials/mask(_:)`` masks it, every other
  /// random-looking word (at least 20 letters and digits mixing upper case, lower case and digits)
  /// and every occurrence of a `known` value of at least 6 characters replaced by `****`.
  ///
  /// - Parameters:
  ///   - text: The text to show.
  ///   - known: Values known to be secret (shorter ones are ignored: masking them would garble
  ///     the text).
  package static func redact(_ text: String, known: [String] = []) -> String {
    var result = text
    for secret in known where secret.count >= 6 { result = result.replacing(text: secret, with: "****") }
    return maskingWords(in: result, where: looksSecret)
  }

  /// The text with every word shaped like a token secret (`as-` and letters and digits) masked as
  /// ``Credentials/mask(_:)`` masks it, and nothing else changed: for output that shows token ids
  /// and other long random words on purpose (`modal doctor`, `config show`, error messages), where
  /// a secret may still turn up in the wrong place (an id and secret swapped in a profile or the
  /// environment).
  package static func maskTokenSecrets(_ text: String) -> String {
    guard containsSecretPrefix(text) else { return text }
    return maskingWords(in: text, where: isTokenSecretShaped)
  }

  /// Whether `text` contains `as-`, by its bytes: `String.contains(_:)` would bring the string
  /// processing library's first-use work into every `modal config show` (a tenth of the command's
  /// own time).
  private static func containsSecretPrefix(_ text: String) -> Bool {
    let prefix: (UInt8, UInt8, UInt8) = (UInt8(ascii: "a"), UInt8(ascii: "s"), UInt8(ascii: "-"))
    var matched = 0
    for byte in text.utf8 {
      switch matched {
      case 0: matched = byte == prefix.0 ? 1 : 0
      case 1: matched = byte == prefix.1 ? 2 : (byte == prefix.0 ? 1 : 0)
      default:
        if byte == prefix.2 { return true }
        matched = byte == prefix.0 ? 1 : 0
      }
    }
    return false
  }

  /// Whether a word is `as-` followed by letters and digits only.
  static func isTokenSecretShaped(_ word: String) -> Bool {
    word.hasPrefix("as-") && word.count > 3 && word.dropFirst(3).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
  }

  /// `text` with each word (ASCII letters, digits, `-` and `_`) for which `secret` holds masked.
  private static func maskingWords(in text: String, where secret: (String) -> Bool) -> String {
    var output = ""
    var word = ""
    func flush() {
      output += secret(word) ? Credentials.mask(word) : word
      word = ""
    }
    for character in text {
      if character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_") {
        word.append(character)
      } else {
        flush()
        output.append(character)
      }
    }
    flush()
    return output
  }

  /// Whether a word is an `as-…` token secret or looks like a random secret.
  static func looksSecret(_ word: String) -> Bool {
    if word.hasPrefix("as-") && word.count > 3 { return true }
    let body = word.filter { $0 != "-" && $0 != "_" }
    guard body.count >= 20 else { return false }
    return body.contains(where: \.isUppercase) && body.contains(where: \.isLowercase) && body.contains(where: \.isNumber)
  }
}
