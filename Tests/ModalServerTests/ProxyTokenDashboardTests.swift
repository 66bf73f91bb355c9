import Foundation
import ModalServer
import Testing
import TestSupport

/// The dashboard's proxy tokens page over HTTP, and `/proxy-auth` on the same listener.
extension DashboardHTTPTests {
  @Test func proxyTokensAreCreatedShownOnceAllowedAndDeletedFromTheDashboard() async throws {
    try await withWeb { web in
      let client = web.client()
      #expect(await client.signUp(email: "px@example.com", password: Self.password, workspace: "pxws").status == 303)
      let page = await client.request("GET", "/workspaces/pxws/proxy-tokens")
      #expect(page.status == 200 && page.body.contains("No proxy tokens yet."), "\(page.body)")
      let created = await client.request(
        "POST", "/workspaces/pxws/proxy-tokens", form: [("csrf", page.csrf ?? ""), ("name", "hooks")])
      #expect(created.status == 201)
      #expect(created.header("Cache-Control") == "no-store")
      let key = created.body.firstMatch(of: /id="proxy-key">(wk-[0-9A-Za-z]{22})</)?.1 ?? ""
      let secret = created.body.firstMatch(of: /id="proxy-secret">(ws-[0-9A-Za-z]{30})</)?.1 ?? ""
      #expect(!key.isEmpty && !secret.isEmpty, "\(created.body)")

      let listed = await client.request("GET", "/workspaces/pxws/proxy-tokens")
      #expect(listed.body.contains(String(key)) && listed.body.contains("every environment"))
      #expect(!listed.body.contains(String(secret)), "the secret is shown once")
      let allowed = await client.request(
        "POST", "/workspaces/pxws/proxy-tokens/\(key)/environment",
        form: [("csrf", listed.csrf ?? ""), ("environment", "main"), ("change", "allow")])
      #expect(allowed.status == 303)
      let pair = [("Modal-Key", String(key)), ("Modal-Secret", String(secret))]
      #expect(await client.request("GET", "/proxy-auth?environment=main", headers: pair).status == 204)

      // A member sees the page but may not change anything.
      let workspace = try await web.harness.backend.accounts.workspace(name: "pxws")
      let user = try await web.harness.backend.accounts.createUser(email: "viewer@example.com", password: Self.password)
      try await web.harness.backend.accounts.setMembership(user: user, workspace: workspace, role: .member, by: .serverOperator)
      let member = web.client()
      #expect(await member.logIn(email: "viewer@example.com", password: Self.password).status == 303)
      let memberPage = await member.request("GET", "/workspaces/pxws/proxy-tokens")
      #expect(memberPage.status == 200 && memberPage.body.contains(String(key)))
      let refused = await member.request(
        "POST", "/workspaces/pxws/proxy-tokens/\(key)/delete", form: [("csrf", memberPage.csrf ?? "")])
      #expect(refused.status == 403 && refused.body.contains("manager"))

      let deleted = await client.request(
        "POST", "/workspaces/pxws/proxy-tokens/\(key)/delete", form: [("csrf", listed.csrf ?? "")])
      #expect(deleted.status == 303)
      #expect(await client.request("GET", "/proxy-auth?environment=main", headers: pair).status == 401)
      let missing = await client.request(
        "POST", "/workspaces/pxws/proxy-tokens/\(key)/delete", form: [("csrf", listed.csrf ?? "")])
      #expect(missing.status == 404)
    }
  }
}
