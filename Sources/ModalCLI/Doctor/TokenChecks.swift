#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Modal

/// `modal doctor`'s token checks: accepted (ClientHello), workspace, expiry, scopes, clock skew.
///
/// Clock skew compares this machine's clock with the `iat` (issued-at) claim of the JWT that
/// `AuthTokenGet` returns, taken at the midpoint of the call.
struct TokenChecks {
  let invocation: Invocation

  /// How far the clocks may differ before it is a warning.
  static let skewLimit: Double = 30
  /// A token expiring sooner than this gets a warning.
  static let expiryWarning: Double = 7 * 86400

  func run(credentials: Credentials, serverURL: String, hello: ModalError?, profile: String, into report: inout DoctorReport) async {
    let fixLogin = credentials.source == .environment
      ? "Create a new token (`modal token new --profile \(profile)`, or in the dashboard) and update MODAL_TOKEN_ID/MODAL_TOKEN_SECRET"
      : "modal token new --profile \(profile)   (or `modal setup`)"
    // OAuth credentials have no token id: name the app's client instead.
    let what = credentials.oauth.map { "the OAuth credentials of client \($0.clientID)" } ?? "token \(credentials.tokenID)"
    if let hello {
      let fix = credentials.oauth == nil ? fixLogin : "Check the MODAL_OAUTH_* settings, or have the user authorize the app again"
      report.add("token", "token.accepted", .problem, "The server rejected \(what): \(hello.message)", fix: fix)
      return
    }
    report.add("token", "token.accepted", .ok, "The server accepts \(what) (ClientHello).")
    guard let client = try? await CLIClients.make(
      invocation, tokenID: credentials.tokenID, tokenSecret: credentials.tokenSecret, serverURL: serverURL)
    else { return }
    do {
      let info = try await client.tokens.info()
      let app = credentials.oauth == nil ? "" : ", through grant \(info.id) (\(info.name))"
      report.add("token", "token.workspace", .ok, "Workspace \(info.workspaceName) (\(info.workspaceID))\(Self.who(info.identity))\(app).")
      if let policy = TokenCommands.federationPolicy(tokenName: info.name) {
        // Short-lived by design: its expiry is not a problem, the provider exchanges again.
        let expiry = info.expiresAt.map { ", expires at \(LocalTime.format($0))" } ?? ""
        report.add(
          "token", "token.federation", .ok,
          "Minted by workload identity federation (trust policy '\(policy)')\(expiry); the SDK exchanges the OIDC token again before then.")
      } else {
        Self.addExpiry(info.expiresAt, fixLogin: fixLogin, profile: profile, into: &report)
      }
    } catch {
      report.add("token", "token.workspace", .warning, "TokenInfoGet failed: \(error.message)")
    }
    report.add("token", "token.scopes", .info, "Scopes: unknown (the server does not expose a token's scopes to clients).")
    await checkClock(client, into: &report)
  }

  /// " as user NAME" or " as service user NAME" for the workspace line; empty when the server
  /// does not say.
  private static func who(_ identity: TokenIdentity) -> String {
    switch identity {
    case .user(let user): " as user \(user.name)"
    case .serviceUser(let service, _): " as service user \(service.name)"
    case .unknown: ""
    }
  }

  /// The expiry line: a problem once expired, a warning within ``expiryWarning``.
  private static func addExpiry(_ expiresAt: UnixTime?, fixLogin: String, profile: String, into report: inout DoctorReport) {
    guard let expires = expiresAt else {
      report.add("token", "token.expiry", .ok, "The token does not expire.")
      return
    }
    let left = expires.seconds - now()
    let when = LocalTime.format(expires)
    if left <= 0 {
      report.add("token", "token.expiry", .problem, "The token expired at \(when).", fix: fixLogin)
    } else if left < expiryWarning {
      report.add(
        "token", "token.expiry", .warning, "The token expires at \(when), in \(describe(left)).",
        fix: "modal token rotate\(profile.isEmpty ? "" : " --profile \(profile)")")
    } else {
      report.add("token", "token.expiry", .ok, "The token expires at \(when), in \(describe(left)).")
    }
  }

  /// The clock-skew line, from the `iat` of an auth token fetched now.
  private func checkClock(_ client: ModalClient, into report: inout DoctorReport) async {
    let before = Self.now()
    do {
      let jwt = try await client.authToken()
      let after = Self.now()
      guard let issued = AuthTokenClaims(jwt)?.issuedAt else {
        report.add("token", "token.clock", .info, "Clock skew: unknown (the auth token has no iat claim).")
        return
      }
      let skew = (before + after) / 2 - issued
      let text = "This machine's clock is \(Self.describe(abs(skew))) \(skew >= 0 ? "ahead of" : "behind") the server's."
      if abs(skew) > Self.skewLimit {
        report.add("token", "token.clock", .warning, text, fix: "Synchronise the clock (e.g. `sudo timedatectl set-ntp true`)")
      } else {
        report.add("token", "token.clock", .ok, "Clock skew against the server: \(Self.describe(abs(skew))) (within \(Int(Self.skewLimit)) s).")
      }
    } catch {
      report.add("token", "token.clock", .info, "Clock skew: unknown (AuthTokenGet failed: \(error.message)).")
    }
  }

  static func now() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }

  static func describe(_ seconds: Double) -> String {
    if seconds < 1 { return "less than a second" }
    if seconds < 120 { return "\(Int(seconds)) s" }
    if seconds < 7200 { return "\(Int(seconds / 60)) minutes" }
    if seconds < 172_800 { return "\(Int(seconds / 3600)) hours" }
    return "\(Int(seconds / 86400)) days"
  }
}
