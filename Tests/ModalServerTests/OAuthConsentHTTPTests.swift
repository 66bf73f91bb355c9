import Foundation
@testable import ModalServer
import Testing
import TestSupport

/// `GET/POST /oauth/authorize` over HTTP: RFC 6749 section 4.1.2.1 error handling (a page for an
/// untrusted client or redirect URI, a redirect with `state` for the rest), sign-in and back, the
/// consent page, Deny, Approve and the exchange at `/oauth/token` on the same listener.
@Suite(.serialized) struct OAuthConsentHTTPTests {
  static let redirect = "http://127.0.0.1:8765/callback"
  static let password = DashboardHTTPTests.password

  /// The authorize path with `parameters` (percent-encoded).
  static func authorizePath(_ parameters: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return "/oauth/authorize?"
      + parameters.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
  }

  /// The query parameters of a `Location`.
  static func parameters(_ location: String?) -> [String: String] {
    let items = URLComponents(string: location ?? "")?.queryItems ?? []
    return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
  }

  @Test func theUserSignsInConsentsAndTheAppExchangesTheCode() async throws {
    try await DashboardHTTPTests().withWeb { web in
      let backend = web.harness.backend
      let (app, secret) = try await backend.oauthApps.register(
        .init(name: "Editor <plug-in>", redirectURIs: [Self.redirect], scopes: ScopeSet(parsing: "read,secrets:write"),
          credential: .secret),
        in: web.harness.workspace, by: .serverOperator)
      let dev = try await backend.accounts.createUser(email: "dev@example.com", password: Self.password)
      try await backend.accounts.setMembership(user: dev, workspace: web.harness.workspace, role: .member, by: .serverOperator)
      let verifier = String(repeating: "v", count: 50)
      let good: [(String, String)] = [
        ("response_type", "code"), ("client_id", app.id.rawValue), ("redirect_uri", Self.redirect),
        ("scope", "read secrets:read"), ("state", "s t&ate"), ("code_challenge", OAuthCodeService.challenge(of: verifier)),
        ("code_challenge_method", "S256"),
      ]
      let client = web.client()
      let signedOut = await client.request("GET", Self.authorizePath(good))
      #expect(signedOut.status == 303 && signedOut.header("Location")?.hasPrefix("/login?next=") == true)
      let next = try #require(Self.parameters(signedOut.header("Location"))["next"])
      #expect(next.hasPrefix("/oauth/authorize?"))
      let loginPage = await client.request("GET", try #require(signedOut.header("Location")))
      let login = await client.request(
        "POST", "/login",
        form: [("csrf", loginPage.csrf ?? ""), ("email", "dev@example.com"), ("password", Self.password), ("next", next)])
      #expect(login.status == 303 && login.header("Location") == next, "sign-in returns to the authorize request")

      let consent = await client.request("GET", next)
      #expect(consent.status == 200)
      #expect(consent.body.contains("Editor &lt;plug-in&gt;") && consent.body.contains("acme"))
      #expect(consent.body.contains(Scope.read.explanation) && consent.body.contains(Scope.secretsRead.explanation))
      #expect(consent.header("Content-Security-Policy")?.contains("form-action 'self' http://127.0.0.1:8765") == true)
      let form = [("csrf", consent.csrf ?? "")] + good

      let denied = await client.request("POST", "/oauth/authorize", form: form + [("decision", "deny")])
      let deniedParameters = Self.parameters(denied.header("Location"))
      #expect(denied.status == 303 && denied.header("Location")?.hasPrefix(Self.redirect + "?") == true)
      #expect(deniedParameters["error"] == "access_denied" && deniedParameters["state"] == "s t&ate")
      #expect(await client.request("POST", "/oauth/authorize", form: good + [("decision", "approve")]).status == 403)

      let approved = await client.request("POST", "/oauth/authorize", form: form + [("decision", "approve")])
      let answer = Self.parameters(approved.header("Location"))
      #expect(approved.status == 303 && answer["state"] == "s t&ate")
      let code = try #require(answer["code"])
      let exchange = await client.request(
        "POST", "/oauth/token",
        form: [
          ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect), ("code_verifier", verifier),
          ("client_id", app.id.rawValue), ("client_secret", secret ?? ""),
        ])
      #expect(exchange.status == 200, "\(exchange.body)")
      let reply = try #require(try JSONSerialization.jsonObject(with: Data(exchange.body.utf8)) as? [String: Any])
      let refreshToken = try #require(reply["refresh_token"] as? String)
      #expect(reply["scope"] as? String == "read secrets:read")
      let headers = OAuthCallHeaders(refreshToken: refreshToken, clientID: app.id.rawValue, clientSecret: secret)
      let caller = try await backend.tokens.authenticate(oauth: headers, tokenPairSent: false)
      #expect(caller.oauth?.grant.userID == dev.id && caller.workspace.id == web.harness.workspace.id)
      let grants = await client.request("GET", "/workspaces/acme/oauth-grants")
      #expect(grants.body.contains("Editor &lt;plug-in&gt;") && grants.body.contains("dev@example.com"))
    }
  }

  /// Under the workspace's second-factor requirement, Approve first asks for a fresh code; that
  /// page's form may still end in the redirect to the app.
  @Test func consentNeedsAFreshSecondFactorWhenTheWorkspaceRequiresOne() async throws {
    try await DashboardHTTPTests().withWeb { web in
      let client = web.client()
      #expect(await client.signUp(email: "totp@example.com", password: Self.password, workspace: "totpws").status == 303)
      let (secret, _) = try await SecondFactorHTTPTests.enrol(client, web)
      let settings = await client.request("GET", "/workspaces/totpws/settings")
      let on = await client.request(
        "POST", "/workspaces/totpws/settings", form: [("csrf", settings.csrf ?? ""), ("require_second_factor", "on")])
      #expect(on.status == 303)
      let workspace = try await web.harness.backend.accounts.workspace(name: "totpws")
      let app = try await web.harness.backend.oauthApps.register(
        .init(name: "Editor", redirectURIs: [Self.redirect], scopes: .all, credential: .secret), in: workspace,
        by: .serverOperator
      ).app
      web.harness.clock.advance(seconds: SecondFactorService.freshness + 60)
      let request: [(String, String)] = [
        ("response_type", "code"), ("client_id", app.id.rawValue), ("redirect_uri", Self.redirect), ("state", "2fa"),
        ("code_challenge", OAuthCodeService.challenge(of: String(repeating: "v", count: 50))),
        ("code_challenge_method", "S256"),
      ]
      let consent = await client.request("GET", Self.authorizePath(request))
      let form = [("csrf", consent.csrf ?? "")] + request + [("decision", "approve")]
      let asked = await client.request("POST", "/oauth/authorize", form: form)
      #expect(asked.status == 401 && asked.body.contains("name=\"\(Dashboard.freshCodeField)\""))
      #expect(asked.header("Content-Security-Policy")?.contains("form-action 'self' http://127.0.0.1:8765") == true)
      let approved = await client.request(
        "POST", "/oauth/authorize", form: form + [(Dashboard.freshCodeField, SecondFactorHTTPTests.code(secret, web))])
      let answer = Self.parameters(approved.header("Location"))
      #expect(approved.status == 303 && answer["code"]?.hasPrefix("oa-") == true && answer["state"] == "2fa")
    }
  }

  @Test func faultsAreAPageForUntrustedRequestsAndARedirectOtherwise() async throws {
    try await DashboardHTTPTests().withWeb { web in
      let backend = web.harness.backend
      let app = try await backend.oauthApps.register(
        .init(name: "Editor", redirectURIs: [Self.redirect], scopes: ScopeSet(parsing: "read"), credential: .secret),
        in: web.harness.workspace, by: .serverOperator
      ).app
      let challenge = OAuthCodeService.challenge(of: String(repeating: "v", count: 50))
      let good: [String: String] = [
        "response_type": "code", "client_id": app.id.rawValue, "redirect_uri": Self.redirect, "state": "xyz",
        "code_challenge": challenge, "code_challenge_method": "S256",
      ]
      func path(_ changes: [String: String?]) -> String {
        var parameters = good
        for (name, value) in changes { parameters[name] = value }
        return Self.authorizePath(parameters.sorted { $0.key < $1.key })
      }
      let client = web.client()
      let pages: [([String: String?], String)] = [
        (["client_id": nil], "no client_id"), (["client_id": "oc-" + String(repeating: "a", count: 22)], "No OAuth app"),
        (["redirect_uri": "http://127.0.0.1:8765/other"], "not one that app"), (["redirect_uri": nil], "no redirect_uri"),
        (["redirect_uri": "https://evil.example/callback", "response_type": "token"], "not one that app"),
      ]
      for (changes, words) in pages {
        let response = await client.request("GET", path(changes))
        #expect(response.status == 400 && response.header("Location") == nil, "\(changes)")
        #expect(response.body.contains(words), "\(changes)")
      }
      let redirects: [([String: String?], String, String)] = [
        (["response_type": "token"], "unsupported_response_type", "response_type=code"),
        (["response_type": nil], "invalid_request", "response_type"),
        (["code_challenge": nil], "invalid_request", "PKCE is required"),
        (["code_challenge_method": "plain"], "invalid_request", "S256"),
        (["code_challenge_method": nil], "invalid_request", "S256"),
        (["code_challenge": "short"], "invalid_request", "43-character"),
        (["scope": "all"], "invalid_scope", "'all'"), (["scope": "nonsense"], "invalid_scope", "Unknown scope"),
      ]
      for (changes, error, words) in redirects {
        let response = await client.request("GET", path(changes))
        let answer = Self.parameters(response.header("Location"))
        #expect(response.status == 303 && response.header("Location")?.hasPrefix(Self.redirect + "?") == true, "\(changes)")
        #expect(answer["error"] == error && answer["state"] == "xyz", "\(changes): \(answer)")
        #expect(answer["error_description"]?.contains(words) == true, "\(changes): \(answer)")
      }

      // RFC 6749 section 3.1: a parameter must not be sent twice. A second client_id or
      // redirect_uri cannot be trusted (page); any other is an invalid_request at the redirect,
      // and a repeated state is not echoed.
      for (name, second) in [("client_id", "oc-" + String(repeating: "b", count: 22)), ("redirect_uri", Self.redirect)] {
        let response = await client.request("GET", path([:]) + "&\(name)=" + second)
        #expect(response.status == 400 && response.header("Location") == nil, "\(name)")
        #expect(response.body.contains("gives \(name) more than once"), "\(name)")
      }
      for (name, second) in [("scope", "read"), ("code_challenge", challenge), ("state", "abc"), ("response_type", "code")] {
        let response = await client.request("GET", path(["scope": "read"]) + "&\(name)=" + second)
        let answer = Self.parameters(response.header("Location"))
        #expect(response.status == 303 && answer["error"] == "invalid_request", "\(name): \(answer)")
        #expect(answer["error_description"]?.contains("\(name) is given more than once") == true, "\(name): \(answer)")
        #expect(answer["state"] == (name == "state" ? nil : "xyz"), "\(name): \(answer)")
      }

      let long = await client.request("GET", path(["state": String(repeating: "s", count: 513)]))
      #expect(Self.parameters(long.header("Location"))["error_description"]?.contains("state is longer") == true)

      // Someone of another workspace signs in: they may not grant this app anything.
      #expect(await client.signUp(email: "other@example.com", password: Self.password, workspace: "elsewhere").status == 303)
      let outsider = await client.request("GET", path([:]))
      #expect(outsider.status == 403 && outsider.body.contains("not a member"))
    }
  }
}
