/// The short code a user types to approve a login flow: 8 letters of RFC 8628's base-20 alphabet
/// (no vowels, no digits; 20^8 ≈ 2^34.5), shown as `XXXX-XXXX`.
package enum UserCode {
  /// `BCDFGHJKLMNPQRSTVWXZ`.
  package static let alphabet = Array("BCDFGHJKLMNPQRSTVWXZ")
  /// Letters in a code.
  package static let length = 8

  /// A new random code, stored form (no dash).
  package static func generate() -> String { RandomText.string(count: length, alphabet: alphabet) }

  /// The display form, `WDJB-MJHT`.
  package static func display(_ code: String) -> String {
    guard code.count == length else { return code }
    return String(code.prefix(4)) + "-" + String(code.suffix(4))
  }

  /// The stored form of what a user typed: upper-cased, with dashes, spaces and other
  /// punctuation removed; `nil` unless 8 letters of the alphabet remain.
  package static func normalize(_ input: String) -> String? {
    guard input.count <= 64 else { return nil }
    let letters = input.uppercased().filter { $0.isLetter || $0.isNumber }
    guard letters.count == length, letters.allSatisfy({ alphabet.contains($0) }) else { return nil }
    return letters
  }
}
