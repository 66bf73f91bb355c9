import Modal

/// Catches token values that cannot be right before they are written: empty, containing white space
/// or control characters, or an id and secret that were swapped.
enum TokenValidation {
  static func check(tokenID: String, tokenSecret: String) throws(ModalError) {
    guard !tokenID.isEmpty else { throw ModalError(.invalidArgument, "The token id is empty.", remedy: "Token ids look like ak-…; copy it from the dashboard.") }
    guard !tokenSecret.isEmpty else { throw ModalError(.invalidArgument, "The token secret is empty.", remedy: "Token secrets look like as-…; copy it from where it was shown when the token was created.") }
    if tokenID.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
      throw ModalError(.invalidArgument, "The token id contains white space or control characters.", remedy: "Copy the id again, without spaces or line breaks.")
    }
    if tokenSecret.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
      throw ModalError(.invalidArgument, "The token secret contains white space or control characters.", remedy: "Copy the secret again, without spaces or line breaks.")
    }
    if tokenID.hasPrefix("as-") && tokenSecret.hasPrefix("ak-") {
      throw ModalError(.invalidArgument, "The token id and secret seem to be swapped: the id starts with 'as-' and the secret with 'ak-'.", remedy: "Pass the ak-… value as the id and the as-… value as the secret.")
    }
  }
}
