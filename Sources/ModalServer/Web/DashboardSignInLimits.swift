/// What the dashboard says when a sign-in or sign-up limit or a quota refuses (`LoginLimits`,
/// `PasswordLane`, `WorkspaceQuotas`).
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

  /// 429 for a quota (the page shows its message, which names the limit and the use), else 500.
  static func status(of error: ServerError) -> Int { error.code == .resourceExhausted ? 429 : 500 }

  /// "N minute(s)" from now until `time`, at least one.
  func minutesUntil(_ time: UnixTime) -> String {
    let minutes = max(1, (time.microseconds - backend.dependencies.clock.now().microseconds) / 60_000_000 + 1)
    return "\(minutes) minute\(minutes == 1 ? "" : "s")"
  }
}
