import Foundation
import ModalServer
import Testing
import TestSupport

/// The dashboard's service users page over HTTP.
extension DashboardHTTPTests {
  @Test func serviceUsersAreCreatedGivenRolesAndDeletedFromTheDashboard() async throws {
    try await withWeb { web in
      let client = web.client()
      #expect(await client.signUp(email: "su@example.com", password: Self.password, workspace: "suws").status == 303)
      let page = await client.request("GET", "/workspaces/suws/service-users")
      #expect(page.status == 200 && page.body.contains("No service users yet."), "\(page.body)")
      let created = await client.request(
        "POST", "/workspaces/suws/service-users/create", form: [("csrf", page.csrf ?? ""), ("name", "ci-bot"), ("expires", "86400")])
      #expect(created.status == 201, "\(created.body)")
      let id = created.body.firstMatch(of: /id="token-id">(ak-[0-9A-Za-z]+)</)?.1 ?? ""
      let secret = created.body.firstMatch(of: /id="token-secret">(as-[0-9A-Za-z_]+)</)?.1 ?? ""
      #expect(!id.isEmpty && !secret.isEmpty, "\(created.body)")
      let backend = web.harness.backend
      let caller = try await backend.tokens.authenticate(id: String(id), secret: String(secret))
      #expect(caller.token.expiresAt != nil)

      let listed = await client.request("GET", "/workspaces/suws/service-users")
      #expect(listed.body.contains("ci-bot") && listed.body.contains("main: no-access") && listed.body.contains(String(id)))
      #expect(!listed.body.contains(String(secret)), "the secret is shown once")
      let role = await client.request(
        "POST", "/workspaces/suws/service-users/ci-bot/role",
        form: [("csrf", listed.csrf ?? ""), ("environment", "main"), ("role", "viewer")])
      #expect(role.status == 303)
      #expect(await client.request("GET", "/workspaces/suws/service-users").body.contains("main: viewer"))
      let badRole = await client.request(
        "POST", "/workspaces/suws/service-users/ci-bot/role",
        form: [("csrf", listed.csrf ?? ""), ("environment", "main"), ("role", "admin")])
      #expect(badRole.status == 400 && badRole.body.contains("no-access"))
      let duplicate = await client.request(
        "POST", "/workspaces/suws/service-users/create", form: [("csrf", listed.csrf ?? ""), ("name", "ci-bot"), ("expires", "0")])
      #expect(duplicate.status == 409)

      // A member may not list or change service users: the page names the role needed.
      let workspace = try await backend.accounts.workspace(name: "suws")
      let user = try await backend.accounts.createUser(email: "mo@example.com", password: Self.password)
      try await backend.accounts.setMembership(user: user, workspace: workspace, role: .member, by: .serverOperator)
      let member = web.client()
      #expect(await member.logIn(email: "mo@example.com", password: Self.password).status == 303)
      let memberPage = await member.request("GET", "/workspaces/suws/service-users")
      #expect(memberPage.status == 403 && memberPage.body.contains("manager"), "\(memberPage.body)")

      let deleted = await client.request(
        "POST", "/workspaces/suws/service-users/ci-bot/remove", form: [("csrf", listed.csrf ?? "")])
      #expect(deleted.status == 303)
      let gone = await serverError { try await backend.tokens.authenticate(id: String(id), secret: String(secret)) }
      #expect(gone?.code == .unauthenticated)
      let missing = await client.request(
        "POST", "/workspaces/suws/service-users/ci-bot/remove", form: [("csrf", listed.csrf ?? "")])
      #expect(missing.status == 404)
    }
  }
}
