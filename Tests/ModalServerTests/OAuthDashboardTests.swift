import Foundation
import ModalServer
import Testing
import TestSupport

/// The dashboard's OAuth grants page over HTTP: members see and revoke their own grants, owners
/// every grant of the workspace; a revoked grant stops authenticating at once.
extension DashboardHTTPTests {
  @Test func usersSeeAndRevokeTheirOAuthGrantsAndOwnersSeeAll() async throws {
    try await withWeb { web in
      let backend = web.harness.backend
      let owner = web.client()
      #expect(await owner.signUp(email: "boss@example.com", password: Self.password, workspace: "oaws").status == 303)
      let workspace = try await backend.accounts.workspace(name: "oaws")
      let boss = try await backend.accounts.user(email: "boss@example.com")
      let member = try await backend.accounts.createUser(email: "dev@example.com", password: Self.password)
      try await backend.accounts.setMembership(user: member, workspace: workspace, role: .member, by: .serverOperator)
      let (app, secret) = try await backend.oauthApps.register(
        .init(name: "Editor <plug-in>", redirectURIs: [], scopes: .all, credential: .secret), in: workspace,
        by: .serverOperator)
      let (bossGrant, _) = try await backend.oauthApps.grant(app, to: boss, scopes: .all, by: .serverOperator)
      let (devGrant, devToken) = try await backend.oauthApps.grant(app, to: member, scopes: ScopeSet([.read]), by: .serverOperator)
      let headers = OAuthCallHeaders(refreshToken: devToken, clientID: app.id.rawValue, clientSecret: secret)
      _ = try await backend.tokens.authenticate(oauth: headers, tokenPairSent: false)

      let dev = web.client()
      #expect(await dev.logIn(email: "dev@example.com", password: Self.password).status == 303)
      let mine = await dev.request("GET", "/workspaces/oaws/oauth-grants")
      #expect(mine.status == 200 && mine.body.contains("Editor &lt;plug-in&gt;") && mine.body.contains("dev@example.com"))
      #expect(!mine.body.contains("boss@example.com"), "a member sees only their own grants")
      let notTheirs = await dev.request(
        "POST", "/workspaces/oaws/oauth-grants/\(bossGrant.id)/revoke", form: [("csrf", mine.csrf ?? "")])
      #expect(notTheirs.status == 404)

      let all = await owner.request("GET", "/workspaces/oaws/oauth-grants")
      #expect(all.body.contains("boss@example.com") && all.body.contains("dev@example.com"))
      let revoked = await dev.request(
        "POST", "/workspaces/oaws/oauth-grants/\(devGrant.id)/revoke", form: [("csrf", mine.csrf ?? "")])
      #expect(revoked.status == 303)
      let refused = await serverError { try await backend.tokens.authenticate(oauth: headers, tokenPairSent: false) }
      #expect(refused?.message.contains("was revoked at") == true)
      #expect(await dev.request("GET", "/workspaces/oaws/oauth-grants").body.contains("revoked"))
      let noCSRF = await owner.request("POST", "/workspaces/oaws/oauth-grants/\(bossGrant.id)/revoke", form: [])
      #expect(noCSRF.status == 403)
    }
  }
}
