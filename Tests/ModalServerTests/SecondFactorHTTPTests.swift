import Foundation
import Testing

@testable import ModalServer

/// TOTP over HTTP: enrolment, the second sign-in step, recovery codes, removal.
@Suite(.serialized) struct SecondFactorHTTPTests {
  static let password = "a-long-enough-password"

  private func withWeb(_ body: (DashboardHTTPTests.Web) async throws -> Void) async throws {
    try await DashboardHTTPTests().withWeb(body)
  }

  /// RFC 4648 base32 (no padding) back to bytes, for reading the key the page shows.
  static func base32Decode(_ text: String) -> [UInt8] {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    var buffer: UInt32 = 0
    var bits = 0
    var bytes: [UInt8] = []
    for character in text {
      guard let value = alphabet.firstIndex(of: character) else { continue }
      buffer = (buffer << 5) | UInt32(value)
      bits += 5
      if bits >= 8 {
        bytes.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
        bits -= 8
      }
    }
    return bytes
  }

  static func code(_ secret: [UInt8], _ web: DashboardHTTPTests.Web, offset: Int64 = 0) -> String {
    TOTP.code(secret: secret, counter: TOTP.counter(at: web.harness.clock.clock.now().wholeSeconds) + offset)
  }

  /// Enrols TOTP for a signed-in client; returns the secret and the recovery codes.
  static func enrol(_ client: WebClient, _ web: DashboardHTTPTests.Web) async throws -> ([UInt8], [String]) {
    let page = await client.request("GET", "/account/totp")
    #expect(page.status == 200)
    let key = try #require(page.body.firstMatch(of: /id="totp-secret">([A-Z2-7]+)</).map { String($0.1) })
    #expect(page.body.contains("otpauth://totp/127.0.0.1:totp%40example.com?secret=\(key)&amp;issuer=127.0.0.1"))
    let sealed = try #require(page.body.firstMatch(of: /name="enrolment" value="([0-9a-f]+)"/).map { String($0.1) })
    let secret = base32Decode(key)
    #expect(secret.count == 20)
    let wrong = await client.request(
      "POST", "/account/totp", form: [("csrf", page.csrf ?? ""), ("enrolment", sealed), ("code", "000000")])
    #expect(wrong.status == 400)
    let done = await client.request(
      "POST", "/account/totp", form: [("csrf", page.csrf ?? ""), ("enrolment", sealed), ("code", code(secret, web))])
    #expect(done.status == 200, "\(done.body)")
    let codes = done.body.matches(of: /<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/).map { String($0.1) }
    #expect(codes.count == 10)
    return (secret, codes)
  }

  /// Logs in with the password; returns the second-step page (after the redirect).
  static func passwordStep(_ client: WebClient) async -> WebClient.Response {
    let login = await client.logIn(email: "totp@example.com", password: password)
    #expect(login.status == 303)
    #expect(login.header("Location") == "/login/second-factor?next=/")
    #expect(client.cookies[WebSessions.cookieName] == nil)
    return await client.request("GET", "/login/second-factor?next=/")
  }

  @Test func enrolSignInWithACodeOrARecoveryCodeAndRemove() async throws {
    try await withWeb { web in
      let client = web.client()
      #expect(await client.signUp(email: "totp@example.com", password: Self.password, workspace: "totpws").status == 303)
      let (secret, recovery) = try await Self.enrol(client, web)
      #expect(await client.request("GET", "/account/security").body.contains("10 recovery codes left"))
      // The code that confirmed the enrolment cannot be used again.
      _ = await client.request("POST", "/logout", form: [("csrf", await client.request("GET", "/").csrf ?? "")])

      let fresh = web.client()
      var step = await Self.passwordStep(fresh)
      #expect(step.status == 200)
      // Without the second step there is no session: the home page sends to the login page.
      #expect(await fresh.request("GET", "/").status == 303)
      let reused = await fresh.request(
        "POST", "/login/second-factor", form: [("csrf", step.csrf ?? ""), ("code", Self.code(secret, web)), ("next", "/")])
      #expect(reused.status == 401)
      web.harness.clock.advance(seconds: 30)
      step = await fresh.request("GET", "/login/second-factor?next=/")
      let accepted = await fresh.request(
        "POST", "/login/second-factor", form: [("csrf", step.csrf ?? ""), ("code", Self.code(secret, web)), ("next", "/")])
      #expect(accepted.status == 303)
      #expect(fresh.cookies[WebSessions.cookieName] != nil)
      #expect(fresh.cookies[Dashboard.pendingCookieName] == nil)
      #expect(await fresh.request("GET", "/").status == 200)

      // A recovery code works once.
      let other = web.client()
      step = await Self.passwordStep(other)
      let byRecovery = await other.request(
        "POST", "/login/second-factor", form: [("csrf", step.csrf ?? ""), ("code", recovery[0].uppercased()), ("next", "/")])
      #expect(byRecovery.status == 303)
      let third = web.client()
      step = await Self.passwordStep(third)
      let again = await third.request(
        "POST", "/login/second-factor", form: [("csrf", step.csrf ?? ""), ("code", recovery[0]), ("next", "/")])
      #expect(again.status == 401)

      // Removal needs a code; then a password alone signs in.
      let security = await fresh.request("GET", "/account/security")
      #expect(security.body.contains("9 recovery codes left"))
      let refused = await fresh.request("POST", "/account/totp/remove", form: [("csrf", security.csrf ?? ""), ("code", "123456")])
      #expect(refused.status == 403)
      let removed = await fresh.request(
        "POST", "/account/totp/remove", form: [("csrf", security.csrf ?? ""), ("code", recovery[1])])
      #expect(removed.status == 200)
      #expect(removed.body.contains("No authenticator app yet"))
      let plain = await web.client().logIn(email: "totp@example.com", password: Self.password)
      #expect(plain.header("Location") == "/")

      // The audit log has the enrolment and the removal, and the sign-ins that proved a factor.
      var query = AuditQuery(workspaceID: nil)
      query.oldestFirst = true
      query.actions = ["secondfactor.*"]
      let changes = try await web.harness.store.auditEntries(query)
      #expect(changes.map(\.action) == [.totpEnrolled, .totpRemoved])
      #expect(changes.allSatisfy { $0.actor.name == "totp@example.com" && $0.actor.source == "web" && $0.actor.address == "127.0.0.1" })
      query.actions = ["signin.succeeded"]
      let signIns = try await web.harness.store.auditEntries(query)
      #expect(signIns.filter { $0.detail["second_factor"] == "yes" }.count == 2)
    }
  }

  @Test func aPendingSignInIsNotASessionAndExpires() async throws {
    try await withWeb { web in
      let client = web.client()
      _ = await client.signUp(email: "totp@example.com", password: Self.password, workspace: "totpws")
      _ = try await Self.enrol(client, web)
      let fresh = web.client()
      _ = await Self.passwordStep(fresh)
      // A tampered pending cookie is refused.
      let pending = try #require(fresh.cookies[Dashboard.pendingCookieName])
      fresh.cookies[Dashboard.pendingCookieName] = "us-someoneelse" + pending.drop(while: { $0 != "." })
      #expect(await fresh.request("GET", "/login/second-factor").status == 303)
      fresh.cookies[Dashboard.pendingCookieName] = pending
      web.harness.clock.advance(seconds: SecondFactorService.pendingLifetime + 1)
      let late = await fresh.request("GET", "/login/second-factor")
      #expect(late.status == 303)
      #expect(late.header("Location") == "/login")
    }
  }

  @Test func wrongCodesAreLimitedPerAccount() async throws {
    try await withWeb { web in
      let client = web.client()
      _ = await client.signUp(email: "totp@example.com", password: Self.password, workspace: "totpws")
      _ = try await Self.enrol(client, web)
      let fresh = web.client()
      let step = await Self.passwordStep(fresh)
      var statuses: [Int] = []
      for _ in 0..<(Dashboard.codeGuessLimit + 1) {
        statuses.append(
          await fresh.request("POST", "/login/second-factor", form: [("csrf", step.csrf ?? ""), ("code", "000000")]).status)
      }
      #expect(statuses.prefix(Dashboard.codeGuessLimit).allSatisfy { $0 == 401 })
      #expect(statuses.last == 429)
    }
  }
}
