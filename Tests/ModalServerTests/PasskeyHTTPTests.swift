import Foundation
import ModalJOSE
import Testing

@testable import ModalServer

/// Passkeys over HTTP with a software authenticator (`TestAuthenticator`): adding one at
/// /account/security, the second sign-in step, the workspace's fresh-factor requirement, removal.
/// The browser's part (`/static/passkeys.js` with Chromium's virtual authenticator) is not driven here.
@Suite(.serialized) struct PasskeyHTTPTests {
  static let password = SecondFactorHTTPTests.password
  /// The test harness's public URL is http://127.0.0.1:9: its origin and host are the relying party.
  static let origin = "http://127.0.0.1:9"
  static let rpID = "127.0.0.1"

  private func withWeb(_ body: (DashboardHTTPTests.Web) async throws -> Void) async throws {
    try await DashboardHTTPTests().withWeb(body)
  }

  private static func attribute(_ name: String, in body: String) throws -> String {
    let pattern = try Regex<(Substring, Substring)>("\(name)=\"([^\"]*)\"")
    return try #require(body.firstMatch(of: pattern).map { String($0.1) })
  }

  /// Adds `authenticator` as a passkey through the security page.
  static func add(_ authenticator: TestAuthenticator, _ client: WebClient) async throws -> WebClient.Response {
    let page = await client.request("GET", "/account/security")
    #expect(page.body.contains("id=\"add-passkey\"") && page.body.contains("/static/passkeys.js"))
    let challenge = try #require(Base64URL.decode(try attribute("data-challenge", in: page.body)))
    #expect(try attribute("data-rp-id", in: page.body) == rpID)
    let response = authenticator.registration(challenge: challenge, origin: origin, rpID: rpID)
    return await client.request(
      "POST", "/account/passkeys",
      form: [
        ("csrf", page.csrf ?? ""), ("name", "Work laptop"),
        ("webauthn_client_data", Base64URL.encode(response.clientDataJSON)),
        ("webauthn_attestation", Base64URL.encode(response.attestationObject)),
      ])
  }

  /// The form fields of a passkey answer to the challenge on `page`.
  static func answer(
    _ page: WebClient.Response, _ authenticator: TestAuthenticator, signCount: UInt32
  ) throws -> [(String, String)] {
    let challenge = try #require(Base64URL.decode(try attribute("data-challenge", in: page.body)))
    #expect(try attribute("data-credentials", in: page.body) == Base64URL.encode(authenticator.credentialID))
    let response = authenticator.assertion(challenge: challenge, signCount: signCount, origin: origin, rpID: rpID)
    return [
      ("webauthn_credential", Base64URL.encode(authenticator.credentialID)),
      ("webauthn_client_data", Base64URL.encode(response.clientDataJSON)),
      ("webauthn_authenticator_data", Base64URL.encode(response.authenticatorData)),
      ("webauthn_signature", Base64URL.encode(response.signature)),
    ]
  }

  @Test func scriptIsSameOriginAndAllowedByThePolicy() async throws {
    try await withWeb { web in
      let script = await web.client().request("GET", "/static/passkeys.js")
      #expect(script.status == 200 && script.header("Content-Type") == "text/javascript; charset=utf-8")
      #expect(script.body.contains("navigator.credentials.create") && script.body.contains("navigator.credentials.get"))
      let policy = script.header("Content-Security-Policy") ?? ""
      #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
    }
  }

  @Test func addSignInWithAPasskeyAndRemove() async throws {
    try await withWeb { web in
      let client = web.client()
      #expect(await client.signUp(email: "totp@example.com", password: Self.password, workspace: "pkws").status == 303)
      let authenticator = TestAuthenticator(.es256)
      let added = try await Self.add(authenticator, client)
      #expect(added.status == 200 && added.body.contains("Work laptop") && added.body.contains("id=\"passkeys\""), "\(added.body)")
      _ = await client.request("POST", "/logout", form: [("csrf", await client.request("GET", "/").csrf ?? "")])

      let fresh = web.client()
      let step = await SecondFactorHTTPTests.passwordStep(fresh)
      #expect(step.status == 200 && step.body.contains("id=\"use-passkey\""))
      let fields = try Self.answer(step, authenticator, signCount: 1)
      let signedIn = await fresh.request(
        "POST", "/login/second-factor", form: [("csrf", step.csrf ?? ""), ("next", "/")] + fields)
      #expect(signedIn.status == 303 && fresh.cookies[WebSessions.cookieName] != nil)
      let security = await fresh.request("GET", "/account/security")
      #expect(!security.body.contains("<td>—</td>"), "last used is shown")

      // The same answer again, in a new password step: its challenge was used.
      let again = web.client()
      let secondStep = await SecondFactorHTTPTests.passwordStep(again)
      let replayed = await again.request(
        "POST", "/login/second-factor", form: [("csrf", secondStep.csrf ?? ""), ("next", "/")] + fields)
      #expect(replayed.status == 401 && again.cookies[WebSessions.cookieName] == nil)

      let credential = Base64URL.encode(authenticator.credentialID)
      let noProof = await fresh.request(
        "POST", "/account/passkeys/remove", form: [("csrf", security.csrf ?? ""), ("credential", credential)])
      #expect(noProof.status == 403)
      let wrong = await fresh.request(
        "POST", "/account/passkeys/remove",
        form: [("csrf", security.csrf ?? ""), ("credential", credential), ("password", "not-the-password")])
      #expect(wrong.status == 403)
      let renamed = await fresh.request(
        "POST", "/account/passkeys/rename", form: [("csrf", security.csrf ?? ""), ("credential", credential), ("name", "Desk key")])
      #expect(renamed.status == 200 && renamed.body.contains("Desk key"))
      let removed = await fresh.request(
        "POST", "/account/passkeys/remove",
        form: [("csrf", security.csrf ?? ""), ("credential", credential), ("password", Self.password)])
      #expect(removed.status == 200 && removed.body.contains("No passkeys yet."))
    }
  }

  @Test func aPasskeySatisfiesTheWorkspaceRequirement() async throws {
    try await withWeb { web in
      let owner = web.client()
      #expect(await owner.signUp(email: "totp@example.com", password: Self.password, workspace: "pkws").status == 303)
      let authenticator = TestAuthenticator(.edDSA)
      #expect(try await Self.add(authenticator, owner).status == 200)
      // Adding the passkey proved a factor just now, so turning the setting on needs nothing more.
      let settings = await owner.request("GET", "/workspaces/pkws/settings")
      let on = await owner.request(
        "POST", "/workspaces/pkws/settings", form: [("csrf", settings.csrf ?? ""), ("require_second_factor", "on")])
      #expect(on.status == 303)

      web.harness.clock.advance(seconds: SecondFactorService.freshness + 60)
      let tokens = await owner.request("GET", "/workspaces/pkws/tokens")
      let form = [("csrf", tokens.csrf ?? ""), ("name", "laptop"), ("expires", "7d"), ("scopes", "read")]
      let asked = await owner.request("POST", "/workspaces/pkws/tokens", form: form)
      #expect(asked.status == 401 && asked.body.contains("id=\"use-passkey\""))
      // A forged answer (signed by another key) is refused, and no token is made.
      let forged = try Self.answer(asked, TestAuthenticator(.edDSA, credentialID: authenticator.credentialID), signCount: 1)
      let refused = await owner.request("POST", "/workspaces/pkws/tokens", form: form + forged)
      #expect(refused.status == 401 && refused.body.contains("not accepted") && !refused.body.contains("as-"))
      let answered = await owner.request("POST", "/workspaces/pkws/tokens", form: form + (try Self.answer(refused, authenticator, signCount: 1)))
      #expect(answered.status == 201 && answered.body.contains("as-"), "\(answered.body)")
    }
  }

  /// A current TOTP code also proves the removal; a wrong one does not.
  @Test func removalTakesACurrentCode() async throws {
    try await withWeb { web in
      let client = web.client()
      #expect(await client.signUp(email: "totp@example.com", password: Self.password, workspace: "pkws").status == 303)
      let (secret, _) = try await SecondFactorHTTPTests.enrol(client, web)
      let authenticator = TestAuthenticator(.es256)
      #expect(try await Self.add(authenticator, client).status == 200)
      let csrf = await client.request("GET", "/account/security").csrf ?? ""
      let credential = Base64URL.encode(authenticator.credentialID)
      let wrong = await client.request(
        "POST", "/account/passkeys/remove", form: [("csrf", csrf), ("credential", credential), ("code", "000000")])
      #expect(wrong.status == 403)
      // The enrolment used this step's code; the next step's is accepted (±1 step) once.
      let code = SecondFactorHTTPTests.code(secret, web, offset: 1)
      let removed = await client.request(
        "POST", "/account/passkeys/remove", form: [("csrf", csrf), ("credential", credential), ("code", code)])
      #expect(removed.status == 200 && removed.body.contains("No passkeys yet."), "\(removed.body)")
    }
  }
}
