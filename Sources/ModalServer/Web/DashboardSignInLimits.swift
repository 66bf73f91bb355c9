/// What the dashboard says when a sign-in or sign-up limit refuses (`LoginLimits`, `PasswordLane`).
extension Dashboard {
  /// The answer when the password queue turned a stranger away.
  static let busyText = "The server is busy checking passwords. Try again in a few seconds."

  /// The text of a refused login: which bound, and when to try again.
  func refusalText(_ refusal: LoginRefusal) -> String {
    let wait = minutesUntil(refusal.until)
    switch refusal.reason {
    case .addressBudget:
      return "Too many failed logins from your address. Try again in \(wait)."
    case .accountLocked:
      return "Too many failed logins for this account. It is locked; try again in \(wait)."
    case .accountSlowed:
      let seconds = max(1, (refusal.until.microseconds - backend.dependencies.clock.now().microseconds + 999_999) / 1_000_000)
      return "This account has had many failed logins, so logins from here must wait. Try again in \(seconds) second\(seconds == 1 ? "" : "s")."
    }
  }

  /// "N minute(s)" from now until `time`, at least one.
  func minutesUntil(_ time: UnixTime) -> String {
    let minutes = max(1, (time.microseconds - backend.dependencies.clock.now().microseconds) / 60_000_000 + 1)
    return "\(minutes) minute\(minutes == 1 ? "" : "s")"
  }
}
