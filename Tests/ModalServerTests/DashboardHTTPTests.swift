import Foundation
import ModalAPI
import ModalServer
import Testing
import TestSupport

/// The dashboard over real HTTP: accounts, sessions, CSRF, limits, headers, flows, tokens, members.
@Suite(.serialized) struct DashboardHTTPTests {
  /// An in-process harness (gRPC + store) plus the dashboard on a free port, with a log capture.
  final class Web: @unchecked Sendable {
    let harness: Harness
    let server: HTTPServer
    private let lock = NSLock()
    private var lines: [String] = []
    var log: String { lock.withLock { lines.joined(separator: "\n") } }

    init(harness: Harness) throws {
      self.harness = harness
      let dashboard = Dashboard(backend: harness.backend)
      nonisolated(unsafe) var sink: Web?
      server = try HTTPServer(
        configuration: Dashboard.serverConfiguration(host: "127.0.0.1", port: 0, tls: nil, log: { line in sink?.append(line) }),
        handler: { await dashboard.handle($0) })
      sink = self
    }
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    func client() -> WebClient { WebClient(port: server.port) }
  }

  func withWeb(
    settings: ServerSettings = ServerSettings(publicURL: "http://127.0.0.1:9"), _ body: (Web) async throws -> Void
  ) async throws {
    let harness = try await Harness.start(settings: settings)
    let web = try Web(harness: harness)
    do {
      try await body(web)
    } catch {
      web.server.stop()
      await harness.stop()
      throw error
    }
    web.server.stop()
    await harness.stop()
  }

  static let password = "a-long-enough-password"

  /// TLS ended at a load balancer: the server sees plain http, browsers see the https public URL.
  @Test func cookiesAreSecureAndHSTSIsSentWhenThePublicURLIsHTTPS() async throws {
    try await withWeb(settings: ServerSettings(publicURL: "https://modal.example.com")) { web in
      let client = web.client()
      let login = await client.request("GET", "/login")
      #expect(login.all("Set-Cookie").contains { $0.hasPrefix("modal_presession=") && $0.contains("; Secure") })
      #expect(login.header("Strict-Transport-Security") == "max-age=31536000")
      let signedUp = await client.signUp(email: "tls@example.com", password: Self.password, workspace: "tlsws")
      #expect(signedUp.status == 303, "\(signedUp.body)")
      let cookies = signedUp.all("Set-Cookie")
      #expect(cookies.contains { $0.hasPrefix("modal_session=") && $0.contains("; Secure") })
      #expect(cookies.allSatisfy { $0.contains("; Secure") })
    }
  }

  /// One client holding idle connections cannot take every connection of the dashboard.
  @Test func oneAddressGetsABoundedNumberOfConnections() async throws {
    try await withWeb { web in
      let port = web.server.port
      let limit = HTTPServerConfiguration(host: "127.0.0.1", port: 0).maximumConnectionsPerAddress
      let idle = (0..<limit).map { _ in LoopbackSocket.open(port: port) }
      #expect(idle.allSatisfy { $0 >= 0 })
      // Give the server a moment to accept them all, then one more from the same address is dropped.
      try await Task.sleep(for: .milliseconds(200))
      let refused = await web.client().request("GET", "/login")
      #expect(refused.status == 0, "answered \(refused.status) past the per-address limit")
      for fd in idle where fd >= 0 { close(fd) }  // once: a closed number may belong to another socket next
      var served = 0
      for _ in 0..<50 where served == 0 {
        served = await web.client().request("GET", "/login").status
        if served == 0 { try await Task.sleep(for: .milliseconds(100)) }
      }
      #expect(served == 200)
    }
  }

  /// Content-Length with Transfer-Encoding makes the end of the body ambiguous (request smuggling).
  @Test func requestsWithBothBodyLengthsAreRefused() async throws {
    try await withWeb { web in
      let port = web.server.port
      let request = "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
      let started = ContinuousClock.now
      let response = await Task.detached { WebClient.parse(WebClient.raw(port: port, Array(request.utf8))) }.value
      #expect(response.status == 400 && response.body.contains("both Content-Length and Transfer-Encoding"))
      #expect(ContinuousClock.now - started < .seconds(5), "the connection is closed, not kept alive")
    }
  }

  @Test func headIsGetWithoutABodyAndOtherMethodsAre405() async throws {
    try await withWeb { web in
      let client = web.client()
      for path in ["/login", "/static/style.css"] {
        let get = await client.request("GET", path)
        let head = await client.request("HEAD", path)
        #expect(head.status == 200 && get.status == 200, "\(path)")
        #expect(head.body.isEmpty && !get.body.isEmpty, "\(path)")
        #expect(head.header("Content-Type") == get.header("Content-Type"))
      }
      #expect(await client.request("HEAD", "/nowhere").status == 404)
      for method in ["PUT", "PATCH", "DELETE"] {
        for path in ["/login", "/workspaces/acme/tokens", "/workspaces/acme/tokens/ak-x/revoke"] {
          let response = await client.request(method, path)
          #expect(response.status == 405 && response.header("Allow") == "GET, HEAD, POST", "\(method) \(path)")
        }
      }
    }
  }

  @Test func signUpLogInLogOutAndSessionRotation() async throws {
    try await withWeb { web in
      let client = web.client()
      let first = await client.request("GET", "/")
      #expect(first.status == 303 && first.header("Location") == "/login?next=/")
      let signedUp = await client.signUp(email: "Ann@Example.com", password: Self.password, workspace: "annws")
      #expect(signedUp.status == 303, "\(signedUp.body)")
      let firstSession = try #require(client.cookies[WebSessions.cookieName])
      #expect(signedUp.all("Set-Cookie").contains { $0.hasPrefix("modal_session=") && $0.contains("HttpOnly") && $0.contains("SameSite=Lax") && $0.contains("Path=/") })
      // Plain http with an http public URL: a Secure cookie would never come back, and no HSTS.
      #expect(!signedUp.all("Set-Cookie").contains { $0.contains("Secure") })
      #expect(signedUp.header("Strict-Transport-Security") == nil)
      let home = await client.request("GET", "/")
      #expect(home.status == 200 && home.body.contains("annws") && home.body.contains("ann@example.com"))

      // Logging in again rotates the session id; the old one stops working.
      let again = await client.logIn(email: "ann@example.com", password: Self.password)
      #expect(again.status == 303)
      let second = try #require(client.cookies[WebSessions.cookieName])
      #expect(second != firstSession)
      let stale = WebClient(port: web.server.port)
      stale.cookies[WebSessions.cookieName] = firstSession
      #expect(await stale.request("GET", "/").status == 303)

      let csrf = try #require(await client.request("GET", "/").csrf)
      let out = await client.request("POST", "/logout", form: [("csrf", csrf)])
      #expect(out.status == 303 && client.cookies[WebSessions.cookieName] == nil)
      let reuse = WebClient(port: web.server.port)
      reuse.cookies[WebSessions.cookieName] = second
      #expect(await reuse.request("GET", "/").status == 303)

      // Short passwords and taken names are clear errors.
      let short = await web.client().signUp(email: "bob@example.com", password: "short", workspace: "bobws")
      #expect(short.status == 400 && short.body.contains("too short"))
      let taken = await web.client().signUp(email: "ann@example.com", password: Self.password, workspace: "annws2")
      #expect(taken.status == 409)
    }
  }

  @Test func csrfAndCrossSitePostsAreRefused() async throws {
    try await withWeb { web in
      let client = web.client()
      await client.signUp(email: "c@example.com", password: Self.password, workspace: "cws")
      let csrf = try #require(await client.request("GET", "/").csrf)
      #expect(await client.request("POST", "/logout", form: []).status == 403)
      #expect(await client.request("POST", "/logout", form: [("csrf", String(repeating: "0", count: 64))]).status == 403)
      #expect(await client.request("POST", "/logout", form: [("csrf", csrf)], headers: [("Origin", "https://evil.example")]).status == 403)
      #expect(await client.request("POST", "/logout", form: [("csrf", csrf)], headers: [("Sec-Fetch-Site", "cross-site")]).status == 403)
      #expect(await client.request("POST", "/logout", rawBody: "csrf=\(csrf)", headers: [("Content-Type", "text/plain")]).status == 415)
      // A login form without its pre-session token.
      let other = web.client()
      #expect(await other.request("POST", "/login", form: [("email", "c@example.com"), ("password", Self.password)]).status == 403)
      #expect(client.cookies[WebSessions.cookieName] != nil)
      #expect(await client.request("POST", "/logout", form: [("csrf", csrf)], headers: [("Origin", "http://127.0.0.1:\(web.server.port)")]).status == 303)
    }
  }

  @Test func loginFailuresLockTheAccountWithOneGenericMessage() async throws {
    try await withWeb { web in
      await web.client().signUp(email: "d@example.com", password: Self.password, workspace: "dws")
      let unknown = await web.client().logIn(email: "nobody@example.com", password: Self.password)
      let wrong = await web.client().logIn(email: "d@example.com", password: "wrong-password-123")
      #expect(unknown.status == 401 && wrong.status == 401)
      #expect(unknown.body.contains("Wrong email or password.") && wrong.body.contains("Wrong email or password."))
      for _ in 0..<4 { await web.client().logIn(email: "d@example.com", password: "wrong-password-123") }
      let locked = await web.client().logIn(email: "d@example.com", password: Self.password)
      #expect(locked.status == 429 && locked.body.contains("locked"))
      web.harness.clock.advance(seconds: 16 * 60)
      #expect(await web.client().logIn(email: "d@example.com", password: Self.password).status == 303)
    }
  }

  /// Five attempts lock one account from one address only (so nobody can lock out a chosen
  /// account from one machine); failures from many addresses slow the account instead of locking
  /// it, and never for an address that has not failed there or a known device.
  @Test func loginLimitsLockPairsAndSlowTheAccount() async throws {
    try await withHarness { harness in
      let limits = LoginLimits(dependencies: harness.backend.dependencies)
      func attempt(_ address: String, knownDevice: Bool = false) async throws -> LoginRefusal.Reason? {
        switch try await limits.begin(account: "v@example.com", address: address, knownDevice: knownDevice) {
        case .proceed: return nil
        case .refused(let refusal): return refusal.reason
        }
      }
      var outcomes: [LoginRefusal.Reason?] = []
      for _ in 0..<LoginLimits.perAddress + 1 { outcomes.append(try await attempt("10.0.0.1")) }
      #expect(outcomes == Array(repeating: nil, count: LoginLimits.perAddress) + [.accountLocked])
      #expect(try await attempt("10.0.0.2") == nil, "the owner, elsewhere, can still log in")
      // 6 failures on the account so far; 44 more from fresh addresses all go ahead.
      var spread: [LoginRefusal.Reason?] = []
      for index in 0..<44 { spread.append(try await attempt("10.1.0.\(index)")) }
      #expect(spread.allSatisfy { $0 == nil })
      #expect(try await attempt("10.0.0.2") == .accountSlowed, "an address that failed here waits")
      #expect(try await attempt("10.0.0.3") == nil, "a fresh address is not slowed")
      #expect(try await attempt("10.0.0.2", knownDevice: true) == nil, "a known device is not slowed")
      harness.clock.advance(seconds: LoginLimits.slowCapSeconds + 1)
      #expect(try await attempt("10.0.0.2") == nil, "the wait is bounded")
      let otherAccount = try await limits.begin(account: "other@example.com", address: "10.0.0.1", knownDevice: false)
      if case .refused = otherAccount { Issue.record("another account is not locked") }
      harness.clock.advance(seconds: LoginLimits.windowSeconds + 1)
      #expect(try await attempt("10.0.0.1") == nil)
    }
  }

  /// Guesses sent at once cannot slip past the limit: each is counted before its password is
  /// checked (16 parallel wrong passwords all got 401 when the check came first).
  @Test func parallelLoginGuessesStayWithinTheLimit() async throws {
    try await withWeb { web in
      await web.client().signUp(email: "p@example.com", password: Self.password, workspace: "pws")
      // Each client first gets its form (pre-session cookie and CSRF token), then all post at once.
      var prepared: [(WebClient, String)] = []
      for _ in 0..<12 {
        let client = web.client()
        prepared.append((client, await client.request("GET", "/login").csrf ?? ""))
      }
      let statuses = await withTaskGroup(of: Int.self) { group in
        for (index, (client, csrf)) in prepared.enumerated() {
          group.addTask {
            let form = [("csrf", csrf), ("email", "p@example.com"), ("password", "wrong-password-\(index)"), ("next", "/")]
            return await client.request("POST", "/login", form: form).status
          }
        }
        return await group.reduce(into: [Int]()) { $0.append($1) }
      }
      #expect(statuses.filter { $0 == 401 }.count <= LoginLimits.perAddress, "\(statuses.sorted())")
      #expect(statuses.allSatisfy { $0 == 401 || $0 == 429 }, "\(statuses.sorted())")
      #expect(await web.client().logIn(email: "p@example.com", password: Self.password).status == 429)
    }
  }

  @Test func headersLimitsAndGarbage() async throws {
    try await withWeb { web in
      let client = web.client()
      for response in [await client.request("GET", "/login"), await client.request("GET", "/nope"), await client.request("DELETE", "/")] {
        #expect(response.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
        #expect(response.header("X-Content-Type-Options") == "nosniff")
        #expect(response.header("X-Frame-Options") == "DENY")
        #expect(response.header("Referrer-Policy") == "same-origin")
        #expect(response.header("Cache-Control") == "no-store")
      }
      let css = await client.request("GET", "/static/style.css")
      #expect(css.status == 200 && css.header("Content-Type")?.hasPrefix("text/css") == true)
      let big = await client.request("POST", "/login", rawBody: String(repeating: "a", count: 200_000))
      #expect(big.status == 413 && big.header("X-Frame-Options") == "DENY")
      let csrf = await client.request("GET", "/login").csrf ?? ""
      let long = await client.request("POST", "/login", form: [("csrf", csrf), ("email", String(repeating: "e", count: 300) + "@x.com"), ("password", "x")])
      #expect(long.status == 400 && long.body.contains("too long"))
      let header = await client.request("GET", "/login", headers: [("X-Big", String(repeating: "h", count: 64 * 1024))])
      #expect([413, 431].contains(header.status), "\(header.status)")
      let port = web.server.port
      let garbage = await Task.detached { WebClient.parse(WebClient.raw(port: port, Array("\u{01}\u{02}GARBAGE \u{7f}\r\n\r\n".utf8))) }.value
      #expect(garbage.status == 400)
      let badEscape = await client.request("POST", "/login", rawBody: "csrf=%zz")
      #expect(badEscape.status == 400)
      #expect(await client.request("GET", "/login").status == 200)  // still serving
      #expect(web.log.contains("http GET /login 200"))
      // A decoded path must not add a line to the log, nor terminal escapes or bidirectional overrides.
      let forged = "/workspaces/a%0a2026-11-24T05:06:00Z%20grpc%20/modal.client.ModalClient/TokenInfoGet%20OK%0d/x%1b%5b2J%e2%80%ae"
      #expect(await client.request("GET", forged).status == 404)
      let lines = web.log.split(separator: "\n", omittingEmptySubsequences: false)
      #expect(lines.allSatisfy { $0.hasPrefix("http ") }, "\(lines)")
      #expect(!web.log.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0 == "\u{1B}" || $0 == "\u{202E}" })
      #expect(web.log.contains(#"http GET /workspaces/a\x0A2026-11-24T05:06:00Z\x20grpc\x20"#))
      #expect(web.log.contains(#"\x0D/x\x1B[2J\u{202E} 404"#))
    }
  }

  @Test func approvingFlowsWakesTheWaitingCallAndLimitsGuesses() async throws {
    try await withWeb { web in
      let harness = web.harness
      let client = web.client()
      await client.signUp(email: "f@example.com", password: Self.password, workspace: "fws")
      let created = try await harness.call(
        ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(utmSource: "cli", localhostPort: 4242, nextURL: "/home"), as: nil)
      let path = "/flow/" + created.code
      let anonymous = await web.client().request("GET", path)
      #expect(anonymous.status == 303 && anonymous.header("Location") == "/login?next=" + path)
      let page = await client.request("GET", path)
      #expect(page.status == 200 && page.body.contains(created.code) && page.body.contains("4242") && page.body.contains("full access"))
      let csrf = try #require(page.csrf)
      let workspaceID = try #require(page.body.firstMatch(of: /option value="(ac-[0-9A-Za-z]+)"/).map { String($0.1) })
      // Someone else's workspace is refused.
      let foreign = await client.request("POST", path, form: [("csrf", csrf), ("workspace", harness.workspace.id.rawValue)])
      #expect(foreign.status == 403)

      let waiter = Task {
        try await harness.call(
          ModalClientMethods.tokenFlowWait,
          TokenFlowWaitRequest(timeout: 30, tokenFlowID: created.tokenFlowID, waitSecret: created.waitSecret), as: nil)
      }
      let parked = await eventually { await harness.backend.flows.waiters.parkedCount == 1 }
      #expect(parked)
      let approved = await client.request("POST", path, form: [("csrf", csrf), ("workspace", workspaceID)])
      let returned = ContinuousClock.now
      #expect(approved.status == 200 && approved.body.contains("close this tab"))
      let response = try await waiter.value
      let latency = ContinuousClock.now - returned
      print("approval POST returned -> TokenFlowWait returned: \(latency)")
      #expect(latency < .milliseconds(500), "took \(latency)")
      #expect(response.workspaceUsername == "fws" && response.tokenID.hasPrefix("ak-"))

      // Used codes are 410; replaying the POST too.
      #expect(await client.request("GET", path).status == 410)
      #expect(await client.request("POST", path, form: [("csrf", csrf), ("workspace", workspaceID)]).status == 410)

      // Wrong codes: 404 each, then 429 after five.
      for _ in 0..<5 {
        #expect(await client.request("POST", "/flow", form: [("csrf", csrf), ("code", "BBBB-BBBB")]).status == 404)
      }
      #expect(await client.request("POST", "/flow", form: [("csrf", csrf), ("code", "BBBB-BBBB")]).status == 429)
      #expect(!web.log.contains(created.code))
    }
  }

  /// Code lookups are counted before they are made (concurrent wrong guesses cannot all pass a
  /// check none of them was counted in yet) and taken back when the code exists, so opening a
  /// real login's page again and again never locks anyone out.
  @Test func codeGuessesAreCountedBeforeTheyAreChecked() async throws {
    try await withWeb { web in
      let owner = web.client()
      await owner.signUp(email: "k@example.com", password: Self.password, workspace: "kws")
      let created = try await web.harness.call(
        ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(utmSource: "cli", localhostPort: 4242, nextURL: "/home"), as: nil)
      for _ in 0..<(Dashboard.codeGuessLimit * 2) {
        #expect(await owner.request("GET", "/flow/" + created.code).status == 200)
      }
      // Twelve sessions of the same account guess at once.
      var prepared: [(WebClient, String)] = []
      for _ in 0..<12 {
        let client = web.client()
        #expect(await client.logIn(email: "k@example.com", password: Self.password).status == 303)
        prepared.append((client, await client.request("GET", "/flow").csrf ?? ""))
      }
      let statuses = await withTaskGroup(of: Int.self) { group in
        for (index, (client, csrf)) in prepared.enumerated() {
          group.addTask {
            let guess = "BBBB-BB" + String(UnicodeScalar(UInt8(ascii: "B") + UInt8(index % 20)))
            return await client.request("POST", "/flow", form: [("csrf", csrf), ("code", guess)]).status
          }
        }
        return await group.reduce(into: [Int]()) { $0.append($1) }
      }
      #expect(statuses.filter { $0 == 404 }.count <= Dashboard.codeGuessLimit, "\(statuses.sorted())")
      #expect(statuses.allSatisfy { $0 == 404 || $0 == 429 }, "\(statuses.sorted())")
      // The account is now locked, even for the real code.
      #expect(await owner.request("GET", "/flow/" + created.code).status == 429)
    }
  }

  @Test func expiredFlowsAre410() async throws {
    try await withWeb { web in
      let client = web.client()
      await client.signUp(email: "g@example.com", password: Self.password, workspace: "gws")
      let created = try await web.harness.call(ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(), as: nil)
      web.harness.clock.advance(seconds: 11 * 60)
      #expect(await client.request("GET", "/flow/" + created.code.lowercased()).status == 410)
      #expect(await client.request("GET", "/flow/" + created.code.replacingOccurrences(of: "-", with: "")).status == 410)
    }
  }

  @Test func tokensPageShowsTheSecretOnceAndRevokes() async throws {
    try await withWeb { web in
      let client = web.client()
      await client.signUp(email: "t@example.com", password: Self.password, workspace: "tws")
      let page = await client.request("GET", "/workspaces/tws/tokens")
      #expect(page.status == 200)
      let csrf = try #require(page.csrf)
      let created = await client.request(
        "POST", "/workspaces/tws/tokens", form: [("csrf", csrf), ("name", "laptop"), ("expires", "7d"), ("scopes", "read"), ("scopes", "secrets:write")])
      #expect(created.status == 201 && created.header("Cache-Control") == "no-store")
      let secret = try #require(created.body.firstMatch(of: /as-[0-9A-Za-z]{36}/).map { String($0.0) })
      let id = try #require(created.body.firstMatch(of: /ak-[0-9A-Za-z]{22}/).map { String($0.0) })
      let list = await client.request("GET", "/workspaces/tws/tokens")
      #expect(list.body.contains(id) && list.body.contains("laptop") && list.body.contains("read,secrets:write"))
      #expect(!list.body.contains(secret))
      let record = try #require(try await web.harness.store.token(id: TokenID(rawValue: id)))
      #expect(!list.body.contains(record.secretHash))
      #expect(await client.request("POST", "/workspaces/tws/tokens/\(id)/revoke", form: [("csrf", csrf)]).status == 303)
      #expect(try await web.harness.store.token(id: TokenID(rawValue: id))?.revokedAt != nil)
      // Another user cannot see or revoke it.
      let other = web.client()
      await other.signUp(email: "u@example.com", password: Self.password, workspace: "uws")
      #expect(await other.request("GET", "/workspaces/tws/tokens").status == 404)
      #expect(!web.log.contains(secret))
      let bad = await client.request("POST", "/workspaces/tws/tokens", form: [("csrf", csrf), ("name", "x"), ("expires", "7d")])
      #expect(bad.status == 400)
    }
  }

  /// A token reported found in public (the partner endpoint's path) shows as a warning on its
  /// owner's home page, naming the token and the place and never the secret; others do not see it.
  @Test func aLeakedTokenIsAnnouncedOnItsOwnersHomePage() async throws {
    try await withWeb { web in
      let client = web.client()
      await client.signUp(email: "l@example.com", password: Self.password, workspace: "lws")
      let csrf = try #require(await client.request("GET", "/workspaces/lws/tokens").csrf)
      let created = await client.request(
        "POST", "/workspaces/lws/tokens", form: [("csrf", csrf), ("name", "ci"), ("expires", "7d"), ("scopes", "read")])
      let secret = try #require(created.body.firstMatch(of: /as-[0-9A-Za-z]{36}/).map { String($0.0) })
      let id = try #require(created.body.firstMatch(of: /ak-[0-9A-Za-z]{22}/).map { String($0.0) })
      #expect(!(await client.request("GET", "/")).body.contains("found public at"))
      let url = "https://github.com/octo/demo/blob/abc/modal.toml"
      let verdicts = try await web.harness.backend.leaks.report(
        [LeakReportService.Finding(token: secret, type: "modal_token_secret", url: url, source: "content")],
        by: LeakReportService.reporter("github", peer: "ipv4:192.0.2.7:443"))
      #expect(verdicts.map(\.label) == [.truePositive] && verdicts.first?.revoked == true)
      let home = await client.request("GET", "/")
      #expect(home.status == 200 && home.body.contains("found public at") && home.body.contains(id), "\(home.body)")
      #expect(home.body.contains(url) && !home.body.contains(secret))
      let other = web.client()
      await other.signUp(email: "m@example.com", password: Self.password, workspace: "mws")
      #expect(!(await other.request("GET", "/")).body.contains("found public at"))
    }
  }

  @Test func membersAndServiceUsersFollowRoles() async throws {
    try await withWeb { web in
      let owner = web.client()
      await owner.signUp(email: "o@example.com", password: Self.password, workspace: "ows")
      let member = web.client()
      await member.signUp(email: "m@example.com", password: Self.password, workspace: "mws")
      let csrf = try #require(await owner.request("GET", "/workspaces/ows/members").csrf)
      #expect(await owner.request("POST", "/workspaces/ows/members", form: [("csrf", csrf), ("email", "m@example.com"), ("role", "member")]).status == 303)
      #expect(await owner.request("POST", "/workspaces/ows/members", form: [("csrf", csrf), ("email", "zz@example.com"), ("role", "member")]).status == 404)
      let page = await owner.request("GET", "/workspaces/ows/members")
      #expect(page.body.contains("m@example.com"))
      // A member sees the list but cannot change it.
      let memberCSRF = try #require(await member.request("GET", "/workspaces/ows/members").csrf)
      #expect(await member.request("POST", "/workspaces/ows/service-users", form: [("csrf", memberCSRF), ("name", "ci"), ("role", "member")]).status == 403)
      // Owners create service users (secret shown once) and delete them (their tokens are revoked).
      let created = await owner.request("POST", "/workspaces/ows/service-users", form: [("csrf", csrf), ("name", "ci"), ("role", "manager")])
      #expect(created.status == 201 && created.body.contains("as-"))
      let tokenID = try #require(created.body.firstMatch(of: /ak-[0-9A-Za-z]{22}/).map { String($0.0) })
      let listed = await owner.request("GET", "/workspaces/ows/members")
      let serviceID = try #require(listed.body.firstMatch(of: /su-[0-9A-Za-z]{22}/).map { String($0.0) })
      #expect(await owner.request("POST", "/workspaces/ows/service-users/\(serviceID)/delete", form: [("csrf", csrf)]).status == 303)
      #expect(try await web.harness.store.token(id: TokenID(rawValue: tokenID))?.revokedAt != nil)
      // Roles: the last owner cannot demote themselves; promoting and removing work.
      let ownerUser = try #require(try await web.harness.store.user(email: "o@example.com"))
      let memberUser = try #require(try await web.harness.store.user(email: "m@example.com"))
      #expect(await owner.request("POST", "/workspaces/ows/members/\(ownerUser.id)/role", form: [("csrf", csrf), ("role", "member")]).status == 409)
      #expect(await owner.request("POST", "/workspaces/ows/members/\(memberUser.id)/role", form: [("csrf", csrf), ("role", "manager")]).status == 303)
      #expect(await owner.request("POST", "/workspaces/ows/members/\(memberUser.id)/remove", form: [("csrf", csrf)]).status == 303)
      #expect(await member.request("GET", "/workspaces/ows/members").status == 404)
    }
  }
}
