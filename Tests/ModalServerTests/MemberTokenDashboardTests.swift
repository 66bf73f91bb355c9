import Foundation
import ModalServer
import Testing
import TestSupport

/// The dashboard's member tokens page over HTTP: managers and owners disable and enable tokens.
extension DashboardHTTPTests {
  @Test func memberTokensAreDisabledAndEnabledFromTheDashboard() async throws {
    try await withWeb { web in
      let owner = web.client()
      #expect(await owner.signUp(email: "mt@example.com", password: Self.password, workspace: "mtws").status == 303)
      let backend = web.harness.backend
      let workspace = try await backend.accounts.workspace(name: "mtws")
      let user = try await backend.accounts.createUser(email: "mia@example.com", password: Self.password)
      try await backend.accounts.setMembership(user: user, workspace: workspace, role: .member, by: .serverOperator)
      var tokens: [IssuedToken] = []
      for name in ["laptop", "ci"] {
        tokens.append(
          try await backend.tokens.issue(
            workspaceID: workspace.id, owner: .user(id: user.id), createdByUserID: user.id, name: name, scopes: .all,
            lifetimeSeconds: nil, by: .serverOperator))
      }
      func works(_ token: IssuedToken) async -> Bool {
        (try? await backend.tokens.authenticate(id: token.id.rawValue, secret: token.secret)) != nil
      }

      let page = await owner.request("GET", "/workspaces/mtws/member-tokens")
      #expect(page.status == 200 && page.body.contains(tokens[0].id.rawValue) && page.body.contains("active"), "\(page.body)")
      #expect(await owner.request("GET", "/").body.contains("/workspaces/mtws/member-tokens"))
      let disabled = await owner.request(
        "POST", "/workspaces/mtws/member-tokens/\(tokens[0].id)/disable", form: [("csrf", page.csrf ?? "")])
      #expect(disabled.status == 303)
      #expect(await works(tokens[0]) == false)
      #expect(await works(tokens[1]))
      let after = await owner.request("GET", "/workspaces/mtws/member-tokens")
      #expect(after.body.contains("/member-tokens/\(tokens[0].id)/enable") && after.body.contains("disabled "))
      let enabled = await owner.request(
        "POST", "/workspaces/mtws/member-tokens/\(tokens[0].id)/enable", form: [("csrf", page.csrf ?? "")])
      #expect(enabled.status == 303)
      #expect(await works(tokens[0]))
      let all = await owner.request("POST", "/workspaces/mtws/member-tokens/disable-all", form: [("csrf", page.csrf ?? "")])
      #expect(all.status == 303)
      #expect(await works(tokens[0]) == false)
      #expect(await works(tokens[1]) == false)
      // Without the form's CSRF value nothing changes.
      let forged = await owner.request("POST", "/workspaces/mtws/member-tokens/\(tokens[0].id)/enable", form: [("csrf", "x")])
      #expect(forged.status == 403)
      #expect(await works(tokens[0]) == false)

      // A member may not see the page nor change anything; an unknown token is not found.
      let member = web.client()
      #expect(await member.logIn(email: "mia@example.com", password: Self.password).status == 303)
      let refused = await member.request("GET", "/workspaces/mtws/member-tokens")
      #expect(refused.status == 403 && refused.body.contains("manager"), "\(refused.body)")
      let home = await member.request("GET", "/")
      #expect(!home.body.contains("/member-tokens"))
      let memberChange = await member.request(
        "POST", "/workspaces/mtws/member-tokens/\(tokens[0].id)/enable", form: [("csrf", home.csrf ?? "")])
      #expect(memberChange.status == 403)
      let unknown = await owner.request(
        "POST", "/workspaces/mtws/member-tokens/\(TokenFormat.newID())/enable", form: [("csrf", page.csrf ?? "")])
      #expect(unknown.status == 404)

      // Each change is audited once, from the web, in order.
      var query = AuditQuery(workspaceID: workspace.id)
      query.actions = ["token.disabled", "token.enabled"]
      query.oldestFirst = true
      let entries = try await web.harness.store.auditEntries(query)
      #expect(entries.map(\.action.rawValue) == ["token.disabled", "token.enabled", "token.disabled", "token.disabled"])
      #expect(entries.allSatisfy { $0.actor.source == "web" && $0.actor.name == "mt@example.com" })
    }
  }
}
