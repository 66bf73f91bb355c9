import Foundation
import ModalServer
import Testing
import TestSupport

/// The consent flow end to end: a test app (`scripts/interop/oauth_consent_flow.py`) listens on a
/// loopback redirect URI and drives headless Chromium through sign-in and consent on a real
/// `modal-server serve`, receives code and state, exchanges the code with its verifier; then the
/// real Python `modal==1.6.4` runs `token info` and `secret list` with the refresh token it got.
/// Deny sends `access_denied` with the state.
@Suite(.serialized) struct OAuthConsentBrowserTests {
  private final class Scenario {
    let folder = TemporaryFolder()
    let server: ModalServerProcess
    let owner: Credentials
    let password = "consent-password-42"
    let app: (clientID: String, secret: String)
    let port: Int

    init() throws {
      let data = folder.path + "/data"
      let passwordFile = folder.write(password + "\n", to: "password.txt")
      let boot = try runServerCommand(
        ["bootstrap", "--data-dir", data, "--email", "py@example.com", "--workspace", "pyws", "--password-file", passwordFile,
          "--json"])
      guard boot.status == 0 else { throw ServerError(.internal, "bootstrap failed: \(boot.stderr)") }
      owner = try bootstrapCredentials(boot.stdout)
      server = ModalServerProcess(dataDirectory: data, logPath: folder.path + "/serve.log")
      try server.start()
      port = try FreePort.find()
      let made = try runServerCommand([
        "oauth-app", "create", "--data-dir", data, "--workspace", "pyws", "--name", "Consent test app", "--scopes", "read",
        "--redirect-uris", "http://127.0.0.1:\(port)/callback", "--json",
      ])
      let json = try JSONSerialization.jsonObject(with: Data(made.stdout.utf8)) as? [String: Any]
      app = (json?["client_id"] as? String ?? "", json?["client_secret"] as? String ?? "")
    }

    /// Where the app script writes the refresh token it gets (never to its output).
    var tokenFile: String { folder.path + "/refresh-token" }

    /// Runs the app script; `deny` answers Deny on the consent page.
    func browse(_ python: String, deny: Bool = false) throws -> ProcessOutput {
      try ProcessRunner.run(
        python,
        [ProcessRunner.packageRoot + "/scripts/interop/oauth_consent_flow.py", server.httpURL, app.clientID,
          String(port), "py@example.com", "read", tokenFile] + (deny ? ["--deny"] : []),
        environment: [
          "PATH": "/usr/bin:/bin", "HOME": folder.path, "OAUTH_CLIENT_SECRET": app.secret, "OAUTH_USER_PASSWORD": password,
        ])
    }

    /// The Python client with only the OAuth variables (and the server URL) set.
    func modal(_ modal: String, _ arguments: [String], _ variables: [String: String]) throws -> ProcessOutput {
      var environment = [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path,
        "MODAL_SERVER_URL": server.url, "MODAL_CONFIG_PATH": folder.path + "/none.toml", "COLUMNS": "400", "TERM": "dumb",
        "NO_COLOR": "1",
      ]
      environment.merge(variables) { _, new in new }
      return try ProcessRunner.run(modal, arguments, environment: environment)
    }
  }

  @Test func theUserConsentsInChromiumAndPythonActsForThem() throws {
    guard let (modal, python) = DashboardBrowserTests().tools() else { return }
    let scenario = try Scenario()
    defer { scenario.server.stop(.terminate) }
    let owner = ["MODAL_TOKEN_ID": scenario.owner.id, "MODAL_TOKEN_SECRET": scenario.owner.secret]
    #expect(try scenario.modal(modal, ["secret", "create", "oauth-visible", "K=v"], owner).status == 0)

    let browser = try scenario.browse(python)
    #expect(browser.status == 0, "browser: \(browser.stdout)\n\(browser.stderr)")
    #expect(browser.stdout.contains("landed on \(scenario.server.httpURL)/login"))
    #expect(browser.stdout.contains("consent page for Consent test app in workspace pyws at \(scenario.server.httpURL)/oauth/authorize"))
    #expect(browser.stdout.contains("state checked") && browser.stdout.contains("exchanged: token_type Bearer scope read"))
    #expect(browser.stdout.contains("refresh token written"))
    let written = try String(contentsOfFile: scenario.tokenFile, encoding: .utf8)
    let refreshToken = try #require(written.wholeMatch(of: /or-[0-9A-Za-z]{52}/).map { String($0.0) })
    #expect(!browser.stdout.contains(refreshToken) && !browser.stdout.contains(scenario.app.secret))

    let variables = [
      "MODAL_OAUTH_REFRESH_TOKEN": refreshToken, "MODAL_OAUTH_CLIENT_ID": scenario.app.clientID,
      "MODAL_OAUTH_CLIENT_SECRET": scenario.app.secret,
    ]
    let info = try scenario.modal(modal, ["token", "info"], variables)
    #expect(info.status == 0, "\(info.stderr)")
    #expect(info.stdout.contains("Workspace: pyws") && info.stdout.contains("User: py@example.com"), "\(info.stdout)")
    let secrets = try scenario.modal(modal, ["secret", "list", "--json"], variables)
    #expect(secrets.status == 0 && secrets.stdout.contains("oauth-visible"), "\(secrets.stderr)")

    let denied = try scenario.browse(python, deny: true)
    #expect(denied.status == 0, "browser: \(denied.stdout)\n\(denied.stderr)")
    #expect(denied.stdout.contains("state checked") && denied.stdout.contains("denied: access_denied"))

    let log = scenario.server.log
    #expect(log.contains("http POST /oauth/authorize 303") && log.contains("http POST /oauth/token 200"))
    #expect(!log.contains(refreshToken) && !log.contains(scenario.app.secret) && !log.contains(scenario.password))
  }
}
