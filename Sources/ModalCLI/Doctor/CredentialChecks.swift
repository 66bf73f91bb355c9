import Modal
import TOML

/// `modal doctor`'s credential checks: every source tried, which one wins and why, values masked.
struct CredentialChecks {
  let invocation: Invocation

  /// Adds the findings; returns the credentials in use, if any.
  func run(config: ModalConfig?, into report: inout DoctorReport) async -> Credentials? {
    let host = invocation.host
    let id = host.modalVariable("MODAL_TOKEN_ID")
    let secret = host.modalVariable("MODAL_TOKEN_SECRET")
    switch (id, secret) {
    case (let id?, let secret?):
      report.add("credentials", "credentials.environment", .info, "MODAL_TOKEN_ID=\(id) and MODAL_TOKEN_SECRET=\(Credentials.mask(secret)) are set.")
    case (.some, nil), (nil, .some):
      let set = id != nil ? "MODAL_TOKEN_ID" : "MODAL_TOKEN_SECRET"
      let missing = id != nil ? "MODAL_TOKEN_SECRET" : "MODAL_TOKEN_ID"
      report.add(
        "credentials", "credentials.environment", .problem, "\(set) is set but \(missing) is not; a token id and secret must come from the same place.",
        fix: "export \(missing)=… as well, or `unset \(set)` to use the config file's profile")
    case (nil, nil):
      report.add("credentials", "credentials.environment", .info, "MODAL_TOKEN_ID and MODAL_TOKEN_SECRET are not set.")
    }

    var profileHasToken = false
    if let config {
      let name = config.profileName
      if let profile = config.file.profile(name) {
        let profileID = profile["token_id"]?.stringValue ?? ""
        let profileSecret = profile["token_secret"]?.stringValue ?? ""
        let command = profile["token_secret_command"]?.stringValue ?? ""
        profileHasToken = !profileID.isEmpty
        var parts: [String] = []
        parts.append(profileID.isEmpty ? "no token_id" : "token_id = \(profileID)")
        if !profileSecret.isEmpty { parts.append("token_secret = \(Credentials.mask(profileSecret))") }
        let place = ProfileSecretLocation.place(of: profile)
        if place != "file" && place != "command" && place != "none" { parts.append("\(SecretStorage.profileKey) = \(place)") }
        if !command.isEmpty { parts.append("token_secret_command = `\(command)`") }
        if place == "none" { parts.append("no token_secret") }
        let complete = !profileID.isEmpty && place != "none"
        let half = !complete && (!profileID.isEmpty || !profileSecret.isEmpty)
        report.add(
          "credentials", "credentials.profile", half ? .problem : .info, "Profile '\(name)' has \(parts.joined(separator: ", ")).",
          fix: half ? "modal token set --profile \(name)   (stores both halves)" : nil)
        if complete { report.add("credentials", "credentials.storage", .info, Self.storageNote(place, profile: name, path: config.file.path)) }
      } else {
        report.add("credentials", "credentials.profile", .info, "Profile '\(name)' is not in \(config.file.path).")
      }
    }

    guard let config else { return nil }
    let credentials: Credentials
    do {
      credentials = try await CredentialResolver(config: config).resolve()
    } catch {
      report.add(
        "credentials", "credentials.resolved", .problem, error.message,
        fix: error.remedy ?? "Run `modal setup` to log in, or set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET.")
      return nil
    }
    let why: String
    switch credentials.source {
    case .environment: why = "environment variables come before the config file"
    case .profile, .profileCommand, .profileStore:
      why = "MODAL_TOKEN_ID and MODAL_TOKEN_SECRET are not set, so the selected profile is used (\(config.selection.explanation))"
    case .arguments, .named: why = "they were passed in code"
    case .federation: why = "MODAL_TOKEN_ID and MODAL_TOKEN_SECRET are not set and the MODAL_OIDC_* variables ask for federation"
    }
    if let oauth = credentials.oauth {
      report.add(
        "credentials", "credentials.resolved", .ok,
        "Using the \(oauth) from \(credentials.source): OAuth settings are read before a token pair, and never mixed with one.")
      return credentials
    }
    report.add("credentials", "credentials.resolved", .ok, "Using token \(credentials.tokenID) (secret \(credentials.maskedSecret)) from \(credentials.source): \(why).")
    if credentials.source == .environment && profileHasToken {
      report.add(
        "credentials", "credentials.shadowing", .warning,
        "MODAL_TOKEN_ID/MODAL_TOKEN_SECRET override the token of profile '\(config.profileName)' in \(config.file.path).",
        fix: "unset MODAL_TOKEN_ID MODAL_TOKEN_SECRET   (if you meant to use the profile)")
    }
    return credentials
  }

  /// Where the profile's secret lives, with a hint: off disk if it is in plain text, and
  /// `modal token export` for Python if it is not in the file.
  static func storageNote(_ place: String, profile: String, path: String) -> String {
    switch place {
    case "file":
      return "The token secret of profile '\(profile)' is in plain text in \(path); to keep it off disk, run `modal token migrate --profile \(profile) --to keyring` (or helper:NAME). The Python client reads only the file."
    case "command":
      return "The token secret of profile '\(profile)' comes from its token_secret_command; the Python client cannot read it: use `eval \"$(modal token export --shell --profile \(profile))\"` for Python."
    default:
      return "The token secret of profile '\(profile)' is kept in \(place); the Python client cannot read it: use `eval \"$(modal token export --shell --profile \(profile))\"` for Python."
    }
  }
}
