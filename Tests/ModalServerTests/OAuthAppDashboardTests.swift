import Foundation
import ModalJOSE
import ModalServer
import Testing
import TestSupport

/// The dashboard's OAuth apps page over HTTP: owners register apps (a client secret shown once, or
/// a PEM public key), bad forms say what to fix, other members are refused, and deleting an app
/// stops its calls at once.
extension DashboardHTTPTests {
  /// A register form: `fields` over a valid secret app named `name`.
  static func oauthAppForm(csrf: String?, name: String, _ fields: [(String, String)] = []) -> [(String, String)] {
    var form: [(String, String)] = [
      ("csrf", csrf ?? ""), ("name", name),
      ("redirect_uris", "https://ide.example.com/callback\nhttp://127.0.0.1:8765/cb"),
      ("client_authentication", "secret"), ("scopes", "read"), ("scopes", "secrets:write"),
    ]
    for (key, value) in fields {
      form.removeAll { $0.0 == key }
      if !value.isEmpty { form.append((key, value)) }
    }
    return form
  }

  @Test func ownersRegisterAnOAuthAppWithASecretShownOnce() async throws {
    try await withWeb { web in
      let backend = web.harness.backend
      let owner = web.client()
      #expect(await owner.signUp(email: "apps@example.com", password: Self.password, workspace: "appws").status == 303)
      #expect(
        await owner.request("GET", "/").body.contains("/workspaces/appws/oauth-apps"), "linked from the workspace row")
      let empty = await owner.request("GET", "/workspaces/appws/oauth-apps")
      #expect(empty.status == 200 && empty.body.contains("No OAuth apps yet."), "\(empty.body)")

      let created = await owner.request(
        "POST", "/workspaces/appws/oauth-apps", form: Self.oauthAppForm(csrf: empty.csrf, name: "Editor <plug-in>"))
      #expect(created.status == 201, "\(created.body)")
      #expect(created.body.contains("shown only this once"))
      let clientID = String(created.body.firstMatch(of: /id="client-id">(oc-[0-9A-Za-z]+)</)?.1 ?? "")
      let secret = String(created.body.firstMatch(of: /id="client-secret">(ov-[0-9A-Za-z]+)</)?.1 ?? "")
      #expect(!clientID.isEmpty && !secret.isEmpty, "\(created.body)")

      let listed = await owner.request("GET", "/workspaces/appws/oauth-apps")
      #expect(listed.body.contains(clientID) && listed.body.contains("Editor &lt;plug-in&gt;"))
      #expect(
        listed.body.contains("https://ide.example.com/callback") && listed.body.contains("http://127.0.0.1:8765/cb"))
      #expect(
        listed.body.contains("read,secrets:write") && listed.body.contains("client secret (…\(secret.suffix(4)))"))
      #expect(!listed.body.contains(secret), "the secret is shown once")
      #expect(!web.log.contains(secret), "no log line carries the secret")

      // The secret works: a grant given for the owner authenticates with it.
      let workspace = try await backend.accounts.workspace(name: "appws")
      let app = try await backend.oauthApps.app(OAuthClientID(rawValue: clientID), in: workspace)
      #expect(app.redirectURIs == ["https://ide.example.com/callback", "http://127.0.0.1:8765/cb"])
      let user = try await backend.accounts.user(email: "apps@example.com")
      let (_, refreshToken) = try await backend.oauthApps.grant(
        app, to: user, scopes: ScopeSet([.read]), by: .serverOperator)
      let headers = OAuthCallHeaders(refreshToken: refreshToken, clientID: clientID, clientSecret: secret)
      _ = try await backend.tokens.authenticate(oauth: headers, tokenPairSent: false)
      let entries = try await web.harness.store.auditEntries(AuditQuery(workspaceID: workspace.id))
      let made = entries.first { $0.action == .oauthAppCreated }
      #expect(made?.actor.name == "apps@example.com" && made?.detail["client_authentication"] == "client_secret")
    }
  }

  @Test func ownersRegisterAnOAuthAppWithAPEMKeyAndBadFormsSayWhatToFix() async throws {
    try await withWeb { web in
      let owner = web.client()
      #expect(await owner.signUp(email: "keys@example.com", password: Self.password, workspace: "keyws").status == 303)
      let page = await owner.request("GET", "/workspaces/keyws/oauth-apps")
      let refusals: [([(String, String)], String)] = [
        (
          [("redirect_uris", "http://ide.example.com/cb")],
          "Redirect URI &#39;http://ide.example.com/cb&#39; is not usable"
        ),
        ([("redirect_uris", "https://ok.example.com/cb\nnot a url")], "is not usable"),
        ([("scopes", "")], "Tick at least one scope"),
        ([("scopes", "root")], "Unknown scope"),
        ([("client_authentication", "public_key")], "Paste the app&#39;s RSA public key"),
        (
          [
            ("client_authentication", "public_key"),
            ("public_key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
          ],
          "Give an RSA public key (PEM or JWK)"
        ),
        ([("client_authentication", "public_key"), ("public_key", "{\"kty\":\"oct\"}")], "public key"),
      ]
      for (fields, text) in refusals {
        let refused = await owner.request(
          "POST", "/workspaces/keyws/oauth-apps", form: Self.oauthAppForm(csrf: page.csrf, name: "Kept name", fields))
        #expect(refused.status == 400 && refused.body.contains(text), "\(fields): \(refused.body)")
        #expect(refused.body.contains("value=\"Kept name\""), "the form comes back filled in")
      }
      #expect(await owner.request("GET", "/workspaces/keyws/oauth-apps").body.contains("No OAuth apps yet."))

      let key = try JWTSigningKey.generate(.rs256)
      let folder = TemporaryFolder()
      let keyPath = folder.write(key.privateKeyPEM, to: "key.pem")
      let pem = try ScanningSigner.openssl(["pkey", "-in", keyPath, "-pubout"]).stdout
      let created = await owner.request(
        "POST", "/workspaces/keyws/oauth-apps",
        form: Self.oauthAppForm(
          csrf: page.csrf, name: "Agent", [("client_authentication", "public_key"), ("public_key", pem)]))
      #expect(created.status == 201 && !created.body.contains("client-secret"), "\(created.body)")
      let clientID = String(created.body.firstMatch(of: /id="client-id">(oc-[0-9A-Za-z]+)</)?.1 ?? "")
      #expect(await owner.request("GET", "/workspaces/keyws/oauth-apps").body.contains("public key (private_key_jwt)"))

      // The pasted key verifies the app's assertions.
      let backend = web.harness.backend
      let workspace = try await backend.accounts.workspace(name: "keyws")
      let app = try await backend.oauthApps.app(OAuthClientID(rawValue: clientID), in: workspace)
      let user = try await backend.accounts.user(email: "keys@example.com")
      let (_, refreshToken) = try await backend.oauthApps.grant(
        app, to: user, scopes: ScopeSet([.read]), by: .serverOperator)
      let now = Double(Int(Date().timeIntervalSince1970))
      let assertion = try key.sign(
        header: ["kid": .string(key.publicKey.thumbprint)],
        claims: [
          "iss": .string(clientID), "sub": .string(clientID), "aud": .string("modal-server"), "iat": .number(now),
          "exp": .number(now + 300), "jti": .string(UUID().uuidString),
        ])
      let headers = OAuthCallHeaders(refreshToken: refreshToken, clientID: clientID, assertion: assertion)
      _ = try await backend.tokens.authenticate(oauth: headers, tokenPairSent: false)
    }
  }

  @Test func onlyOwnersManageOAuthAppsAndDeletingStopsTheAppsCalls() async throws {
    try await withWeb { web in
      let backend = web.harness.backend
      let owner = web.client()
      #expect(await owner.signUp(email: "own@example.com", password: Self.password, workspace: "delws").status == 303)
      let workspace = try await backend.accounts.workspace(name: "delws")
      let manager = try await backend.accounts.createUser(email: "mgr@example.com", password: Self.password)
      try await backend.accounts.setMembership(user: manager, workspace: workspace, role: .manager, by: .serverOperator)
      let (app, secret) = try await backend.oauthApps.register(
        .init(name: "Bot", redirectURIs: [], scopes: .all, credential: .secret), in: workspace, by: .serverOperator)
      let (_, refreshToken) = try await backend.oauthApps.grant(
        app, to: try await backend.accounts.user(email: "own@example.com"), scopes: .all, by: .serverOperator)
      let headers = OAuthCallHeaders(refreshToken: refreshToken, clientID: app.id.rawValue, clientSecret: secret)
      _ = try await backend.tokens.authenticate(oauth: headers, tokenPairSent: false)

      let other = web.client()
      #expect(await other.logIn(email: "mgr@example.com", password: Self.password).status == 303)
      let refused = await other.request("GET", "/workspaces/delws/oauth-apps")
      #expect(refused.status == 403 && refused.body.contains("Only owners of workspace delws"), "\(refused.body)")
      #expect(!(await other.request("GET", "/").body.contains("/oauth-apps")), "no link for non-owners")
      let csrf = (await other.request("GET", "/workspaces/delws/oauth-grants")).csrf
      let notCreated = await other.request(
        "POST", "/workspaces/delws/oauth-apps", form: Self.oauthAppForm(csrf: csrf, name: "X"))
      #expect(notCreated.status == 403)
      let notDeleted = await other.request(
        "POST", "/workspaces/delws/oauth-apps/\(app.id)/delete", form: [("csrf", csrf ?? ""), ("confirm", "on")])
      #expect(notDeleted.status == 403)

      let page = await owner.request("GET", "/workspaces/delws/oauth-apps")
      #expect(page.body.contains("/oauth-apps/\(app.id)/delete"))
      #expect(
        await owner.request("POST", "/workspaces/delws/oauth-apps/\(app.id)/delete", form: []).status == 403, "CSRF")
      let unconfirmed = await owner.request(
        "POST", "/workspaces/delws/oauth-apps/\(app.id)/delete", form: [("csrf", page.csrf ?? "")])
      #expect(unconfirmed.status == 400 && unconfirmed.body.contains("Tick the box"))
      _ = try await backend.tokens.authenticate(oauth: headers, tokenPairSent: false)
      let deleted = await owner.request(
        "POST", "/workspaces/delws/oauth-apps/\(app.id)/delete", form: [("csrf", page.csrf ?? ""), ("confirm", "on")])
      #expect(deleted.status == 303)
      let stopped = await serverError { try await backend.tokens.authenticate(oauth: headers, tokenPairSent: false) }
      #expect(stopped?.code == .unauthenticated, "\(String(describing: stopped))")
      #expect(await owner.request("GET", "/workspaces/delws/oauth-apps").body.contains("No OAuth apps yet."))
      let again = await owner.request(
        "POST", "/workspaces/delws/oauth-apps/\(app.id)/delete", form: [("csrf", page.csrf ?? ""), ("confirm", "on")])
      #expect(again.status == 404)
      let entries = try await web.harness.store.auditEntries(AuditQuery(workspaceID: workspace.id))
      #expect(entries.contains { $0.action == .oauthAppDeleted && $0.actor.name == "own@example.com" })
    }
  }
}
