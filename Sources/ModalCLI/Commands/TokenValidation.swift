import Modal
import ModalTokenFormat

/// Catches token values that cannot be right before they are written or sent: empty, containing
/// white space, control or non-ASCII characters, a secret given as the id, a swapped pair, or a
/// checksummed secret that was mistyped or cut off.
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
    for (label, value) in [("token id", tokenID), ("token secret", tokenSecret)] {
      if let position = Credentials.firstNonPrintableASCII(in: value) {
        throw ModalError(
          .invalidArgument,
          "The \(label) has a character that is not printable ASCII (character \(position)); tokens are plain ASCII, so this looks like a paste or typing problem (an accented letter, a smart quote, an invisible character). Nothing was written.",
          remedy: "Copy the \(label) again from where the token was shown, or type it with a plain keyboard layout.")
      }
    }
    if tokenID.hasPrefix("as-") && tokenSecret.hasPrefix("ak-") {
      throw ModalError(.invalidArgument, "The token id and secret seem to be swapped: the id starts with 'as-' and the secret with 'ak-'.", remedy: "Pass the ak-… value as the id and the as-… value as the secret.")
    }
    try checkTokenID(tokenID)
    if case .mistyped(let problem) = TokenSecretFormat.inspect(tokenSecret) {
      throw ModalError(
        .invalidArgument, "The token secret is damaged: \(problem). Nothing was written.",
        remedy: "Copy the secret again, whole, from where it was shown when the token was created.")
    }
  }

  /// Refuses a token id that starts with `as-`: that is a secret, to be neither sent as an id nor shown.
  static func checkTokenID(_ tokenID: String) throws(ModalError) {
    guard tokenID.hasPrefix("as-") else { return }
    throw ModalError(
      .invalidArgument,
      "The value given as the token id starts with 'as-': it looks like a token secret, not an id (ak-…). It was not sent to the server and is not shown here.",
      remedy: "Pass the token id (ak-…; `modal token list` shows them). If that secret was typed on a command line it may be in your shell history: revoke its token and create a new one.")
  }
}
