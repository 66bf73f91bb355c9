import Foundation
import ModalAPI
import Testing

@testable import ModalServer

/// The workspace setting that requires a fresh second factor to approve a login or create a token.
@Suite(.serialized) struct SecondFactorRequirementHTTPTests {
  static let password = SecondFactorHTTPTests.password
  /// Past `SecondFactorService.freshness`: the session's second factor is no longer fresh.
  static let stale: Int64 = SecondFactorService.freshness + 60

  private func withWeb(_ body: (DashboardHTTPTests.Web) async throws -> Void) async throws {
    try await DashboardHTTPTests().withWeb(body)
  }

  private static func setRequirement(
    _ on: Bool, _ client: WebClient, workspace: String, code: String? = nil
  ) async -> WebClient.Response {
    let csrf = await client.request("GET", "/workspaces/\(workspace)/settings").csrf ?? ""
    var form = [("csrf", csrf)]
    if on { form.append(("require_second_factor", "on")) }
    if let code { form.append((Dashboard.freshCodeField, code)) }
    return await client.request("POST", "/workspaces/\(workspace)/settings", form: form)
  }

  private static func createToken(_ client: WebClient, workspace: String, code: String? = nil) async -> WebClient.Response {
    let csrf = await client.request("GET", "/workspaces/\(workspace)/tokens").csrf ?? ""
    var form = [("csrf", csrf), ("name", "laptop"), ("expires", "7d"), ("scopes", "read"), ("scopes", "secrets:write")]
    if let code { form.append((Dashboard.freshCodeField, code)) }
    return await client.request("POST", "/workspaces/\(workspace)/tokens", form: form)
  }

  @Test func approvalsAndTokensNeedAFreshCodeWhileTheSettingIsOn() async throws {
    try await withWeb { web in
      let owner = web.client()
      #expect(await owner.signUp(email: "totp@example.com", password: Self.password, workspace: "totpws").status == 303)
      let (secret, recovery) = try await SecondFactorHTTPTests.enrol(owner, web)
      let before = await owner.request("GET", "/workspaces/totpws/settings")
      #expect(before.status == 200 && before.body.contains("is not required") && before.body.contains("save-settings"))
      // Enrolling just proved a factor, so turning the setting on needs nothing more.
      #expect(await Self.setRequirement(true, owner, workspace: "totpws").status == 303)
      #expect(await owner.request("GET", "/workspaces/totpws/settings").body.contains("A second factor is required"))
      #expect(try await web.harness.store.requiresSecondFactor(workspaceID: try #require(web.harness.store.workspace(name: "totpws")).id))

      web.harness.clock.advance(seconds: Self.stale)
      let created = try await web.harness.call(ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(), as: nil)
      let path = "/flow/" + created.code
      let page = await owner.request("GET", path)
      let csrf = try #require(page.csrf)
      let workspaceID = try #require(page.body.firstMatch(of: /option value="(ac-[0-9A-Za-z]+)"/).map { String($0.1) })
      let asked = await owner.request("POST", path, form: [("csrf", csrf), ("workspace", workspaceID)])
      #expect(asked.status == 401 && asked.body.contains("name=\"\(Dashboard.freshCodeField)\""))
      #expect(asked.body.contains("name=\"workspace\" value=\"\(workspaceID)\""))
      #expect(await owner.request("GET", path).status == 200, "the login is still pending")
      let wrong = await owner.request(
        "POST", path, form: [("csrf", csrf), ("workspace", workspaceID), (Dashboard.freshCodeField, "000000")])
      #expect(wrong.status == 401 && wrong.body.contains("not right"))
      let approved = await owner.request(
        "POST", path,
        form: [("csrf", csrf), ("workspace", workspaceID), (Dashboard.freshCodeField, SecondFactorHTTPTests.code(secret, web))])
      #expect(approved.status == 200 && approved.body.contains("close this tab"), "\(approved.body)")
      // The session was marked again: a token now needs no code.
      #expect(await Self.createToken(owner, workspace: "totpws").status == 201)

      web.harness.clock.advance(seconds: Self.stale)
      let refused = await Self.createToken(owner, workspace: "totpws")
      #expect(refused.status == 401 && refused.body.contains("name=\"scopes\" value=\"secrets:write\""))
      let issued = await Self.createToken(owner, workspace: "totpws", code: recovery[0])
      #expect(issued.status == 201 && issued.body.contains("as-"))
      let listed = await owner.request("GET", "/workspaces/totpws/tokens").body
      #expect(listed.contains("read,secrets:write"))

      // Turning it off needs a fresh factor too; then stale sessions act as before.
      web.harness.clock.advance(seconds: Self.stale)
      #expect(await Self.setRequirement(false, owner, workspace: "totpws").status == 401)
      let off = await Self.setRequirement(false, owner, workspace: "totpws", code: SecondFactorHTTPTests.code(secret, web))
      #expect(off.status == 303)
      web.harness.clock.advance(seconds: Self.stale)
      #expect(await Self.createToken(owner, workspace: "totpws").status == 201)
      let later = try await web.harness.call(ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(), as: nil)
      let laterPath = "/flow/" + later.code
      let laterCSRF = try #require(await owner.request("GET", laterPath).csrf)
      #expect(await owner.request("POST", laterPath, form: [("csrf", laterCSRF), ("workspace", workspaceID)]).status == 200)
      #expect(!web.log.contains(recovery[0]))
    }
  }

  @Test func onlyOwnersChangeTheSettingAndUsersWithoutAFactorAreSentToEnrol() async throws {
    try await withWeb { web in
      let (owner, member) = (web.client(), web.client())
      for (client, name) in [(owner, "o"), (member, "m")] {
        #expect(await client.signUp(email: "\(name)@example.com", password: Self.password, workspace: "\(name)ws").status == 303)
      }
      let csrf = try #require(await owner.request("GET", "/workspaces/ows/members").csrf)
      let added = await owner.request(
        "POST", "/workspaces/ows/members", form: [("csrf", csrf), ("email", "m@example.com"), ("role", "manager")])
      #expect(added.status == 303)
      let seen = await member.request("GET", "/workspaces/ows/settings")
      #expect(seen.status == 200 && seen.body.contains("Only owners") && !seen.body.contains("save-settings"))
      #expect(await Self.setRequirement(true, member, workspace: "ows").status == 403)
      let workspace = try #require(try await web.harness.store.workspace(name: "ows"))
      #expect(try await web.harness.store.requiresSecondFactor(workspaceID: workspace.id) == false)
      #expect(await Self.createToken(member, workspace: "ows").status == 201)

      #expect(await Self.setRequirement(true, owner, workspace: "ows").status == 303)
      let sent = await Self.createToken(member, workspace: "ows")
      #expect(sent.status == 403 && sent.body.contains("href=\"/account/security\""))
      // A code cannot stand in for an enrolment.
      #expect(await Self.createToken(member, workspace: "ows", code: "123456").status == 403)
      // Other workspaces are not affected.
      #expect(await Self.createToken(member, workspace: "mws").status == 201)
    }
  }
}
