import Foundation
import ModalServer
import Testing
import TestSupport

/// The dashboard's federation page: owners and managers add and remove policies, members are refused.
extension DashboardHTTPTests {
  @Test func federationPoliciesAreAddedAndRemovedByManagersOnly() async throws {
    try await withWeb { web in
      let client = web.client()
      #expect(await client.signUp(email: "fed@example.com", password: Self.password, workspace: "fedws").status == 303)
      let home = await client.request("GET", "/")
      #expect(home.body.contains("/workspaces/fedws/federation"), "owners see the link")
      let page = await client.request("GET", "/workspaces/fedws/federation")
      #expect(page.status == 200 && page.body.contains("No federation policies yet."), "\(page.body)")
      let form: [(String, String)] = [
        ("csrf", page.csrf ?? ""), ("name", "gha"), ("issuer", "https://token.actions.githubusercontent.com"),
        ("audience", "modal"), ("jwks_url", ""), ("jwks", ""), ("claims", "repository=acme/app\r\nref=refs/heads/*"),
        ("scopes", "secrets:read"), ("environment", ""), ("ttl", "20"),
      ]
      let added = await client.request("POST", "/workspaces/fedws/federation", form: form)
      #expect(added.status == 303, "\(added.body)")
      let listed = await client.request("GET", "/workspaces/fedws/federation")
      #expect(listed.body.contains("gha") && listed.body.contains("repository=acme/app, ref=refs/heads/*"))
      #expect(listed.body.contains("discovery") && listed.body.contains("20 min"))
      let again = await client.request("POST", "/workspaces/fedws/federation", form: form)
      #expect(again.status == 409 && again.body.contains("oidc-gha"), "the same name twice: \(again.status)")
      var badForm = form
      badForm[1] = ("name", "bad")
      badForm[2] = ("issuer", "http://plain.example")
      let bad = await client.request("POST", "/workspaces/fedws/federation", form: badForm)
      #expect(bad.status == 400 && bad.body.contains("https://"), "\(bad.body)")

      // A member may not see or change the page.
      let workspace = try await web.harness.backend.accounts.workspace(name: "fedws")
      let user = try await web.harness.backend.accounts.createUser(email: "fedmember@example.com", password: Self.password)
      try await web.harness.backend.accounts.setMembership(user: user, workspace: workspace, role: .member, by: .serverOperator)
      let member = web.client()
      #expect(await member.logIn(email: "fedmember@example.com", password: Self.password).status == 303)
      #expect(await member.request("GET", "/workspaces/fedws/federation").status == 403)
      #expect(!(await member.request("GET", "/").body.contains("/federation")))

      let policy = try #require(try await web.harness.backend.federation.list(in: workspace).first)
      let refused = await member.request(
        "POST", "/workspaces/fedws/federation/\(policy.id)/remove", form: [("csrf", listed.csrf ?? "")])
      #expect(refused.status == 403)
      let removed = await client.request(
        "POST", "/workspaces/fedws/federation/\(policy.id)/remove", form: [("csrf", listed.csrf ?? "")])
      #expect(removed.status == 303)
      #expect(try await web.harness.backend.federation.list(in: workspace).isEmpty)
    }
  }
}
