import Modal
import ModalTokenFormat
import ModalTokenScan

/// The words every output format uses for findings, kept in one place.
enum ScanWords {
  /// A token's state as `--check-server` prints it.
  static func state(_ state: LeakReporter.TokenState) -> String {
    switch state {
    case .active: return "active (revoke it now)"
    case .revoked: return "revoked"
    case .expired: return "expired"
    case .unknown: return "unknown to the server (not its token, or made before it kept fingerprints)"
    }
  }

  /// What `--report` did with a secret.
  static func verdict(_ verdict: LeakReporter.Verdict) -> String {
    switch verdict {
    case .revoked: return "revoked by the server"
    case .alreadyInactive: return "already revoked or expired"
    case .notOurs: return "not a token of this server"
    }
  }

  /// What a kind of finding is, in a sentence fragment.
  static func title(_ rule: TokenRule) -> String {
    switch rule {
    case .pair: return "Modal token id and secret"
    case .secret: return "Modal token secret"
    case .mistypedSecret: return "look-alike of a Modal token secret (not a finding)"
    case .tokenID: return "Modal token id alone (public, not a finding)"
    }
  }

  /// What to do about a kind of finding.
  static func help(_ rule: TokenRule) -> String {
    switch rule {
    case .pair, .secret:
      return "Revoke the token (modal token revoke ak-…) and make a new one: a secret that reached a file or a commit "
        + "must be treated as leaked, and deleting it does not remove it from git history. Keep secrets in the "
        + "operating system's store or a secrets manager, never in files under version control."
    case .mistypedSecret:
      return "The text has the shape of a checksummed secret but its checksum or length is wrong: it is not a working secret."
    case .tokenID:
      return "Token ids are not secret; listed to help find the secret that goes with it."
    }
  }

  /// How the checksum turned out for a finding: `verified`, `none` (a shape without one) or the
  /// damage of a look-alike.
  static func checksum(_ match: TokenMatch) -> String {
    switch match.kind {
    case .checksummedSecret: return "verified"
    case .uncheckedSecret, .tokenID: return "none"
    case .mistypedSecret: return "mismatch"
    }
  }

  /// The look-alike's problem, in words, or nil.
  static func problem(_ match: TokenMatch) -> String? {
    if case .mistypedSecret(let problem) = match.kind { return problem.description }
    return nil
  }
}
