import Foundation
import ModalServer
import Testing
import TestSupport

/// Sign-ins recorded through the dashboard's forms, and the `/workspaces/W/audit` page with its filters.
@Suite(.serialized) struct AuditDashboardTests {
  private let password = DashboardHTTPTests.password

  @Test func signInsAreRecordedAndThePageFiltersThem() async throws {
    try await DashboardHTTPTests().withWeb { web in
      let ann = web.client()
      let signedUp = await ann.signUp(email: "ann@example.com", password: password, workspace: "annws")
      #expect(signedUp.status == 303, "\(signedUp.body)")
      let other = web.client()
      #expect(await other.logIn(email: "ann@example.com", password: "a-wrong-password-here").status == 401)
      #expect(await other.logIn(email: "ann@example.com", password: password).status == 303)

      let page = await ann.request("GET", "/workspaces/annws/audit")
      #expect(page.status == 200, "\(page.body)")
      #expect(page.body.components(separatedBy: "<td>signin.succeeded</td>").count - 1 == 2)
      #expect(page.body.contains("<td>signin.failed</td><td>error</td>") && page.body.contains("127.0.0.1"))
      let failed = await ann.request("GET", "/workspaces/annws/audit?action=signin.failed")
      #expect(failed.body.contains("signin.failed") && !failed.body.contains("<td>signin.succeeded</td>"))
      let none = await ann.request("GET", "/workspaces/annws/audit?actor=nobody%40example.com")
      #expect(none.body.contains("id=\"no-entries\""))
      let bad = await ann.request("GET", "/workspaces/annws/audit?since=yesterday")
      #expect(bad.status == 400)

      let bob = web.client()
      #expect(await bob.signUp(email: "bob@example.com", password: password, workspace: "bobws").status == 303)
      let accounts = web.harness.backend.accounts
      let bobUser = try await accounts.user(email: "bob@example.com")
      try await accounts.setMembership(
        user: bobUser, workspace: try await accounts.workspace(name: "annws"), role: .member, by: .serverOperator)
      #expect(await bob.request("GET", "/workspaces/annws/audit").status == 403)
    }
  }
}
