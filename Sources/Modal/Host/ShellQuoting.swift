import TextSearch

/// Quotes text for a POSIX shell, so that a printed command works for paths with spaces or quotes.
package enum ShellQuoting {
  /// The text unchanged when it holds only characters a shell takes literally, else in single
  /// quotes with each `'` written as `'\''`: `/x/we ird/it's.toml` gives `'/x/we ird/it'\''s.toml'`.
  package static func quote(_ text: String) -> String {
    let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
      scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "/._-+:,=@%".unicodeScalars.contains(scalar))
    }
    if plain { return text }
    return "'" + text.replacing(text: "'", with: "'\\''") + "'"
  }
}
