import Foundation
import ModalServer
import Testing
import TestSupport

/// The issue's end-to-end proof: the real Python `modal==1.6.4` runs `modal token new` against a
/// real `modal-server serve` while headless Chromium (driven by `scripts/interop/approve_flow.py`
/// through selenium and chromedriver) signs up on the dashboard and approves the login.
@Suite(.serialized) struct DashboardBrowserTests {
  /// What the browser test needs; records a failure (never a skip) when something is missing.
  func tools() -> (modal: String, python: String)? {
    var missing: [String] = []
    let venv = ReferenceClient.venv
    if !FileManager.default.isExecutableFile(atPath: venv + "/bin/modal") { missing.append("\(venv)/bin/modal (pip install modal==1.6.4)") }
    if !FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") { missing.append("/usr/bin/chromium (apt-get install chromium)") }
    if !FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") {
      missing.append("/usr/bin/chromedriver (apt-get install chromium-driver)")
    }
    let check = try? ProcessRunner.run(venv + "/bin/python", ["-c", "import selenium"], environment: ["PATH": "/usr/bin:/bin"])
    if check?.status != 0 { missing.append("selenium in \(venv) (pip install selenium)") }
    guard missing.isEmpty else {
      Issue.record("The browser end-to-end test needs: \(missing.joined(separator: "; ")).")
      return nil
    }
    return (venv + "/bin/modal", venv + "/bin/python")
  }

  /// With three replicas over PostgreSQL, the CLI waits on replica 0, the browser signs up and
  /// approves on replica 1's dashboard, and `modal token info` asks replica 2.
  @Test(arguments: [1, 3]) func tokenNewIsApprovedInHeadlessChromium(replicas: Int) throws {
    guard let (modal, python) = tools() else { return }
    let folder = TemporaryFolder()
    let replicaSet = replicas > 1 ? try ReplicaSet(count: replicas) : nil
    let servers = replicaSet?.replicas ?? [ModalServerProcess(dataDirectory: folder.path + "/data", logPath: folder.path + "/serve.log")]
    if replicaSet == nil { try servers[0].start() }
    defer { for server in servers { server.stop(.kill) } }
    let server = servers[0]
    let approving = servers[1 % servers.count]
    let asking = servers[2 % servers.count]
    let tokenNew = try TokenNew(modal: modal, server: server, folder: folder)
    defer { tokenNew.kill() }
    let (process, outputPath, configPath, environment) = (tokenNew.process, tokenNew.outputPath, tokenNew.configPath, tokenNew.environment)
    let printedURL = try tokenNew.approvalURL()
    #expect(printedURL.hasPrefix(server.httpURL))
    // Behind a load balancer the browser may reach any replica.
    let approvalURL = printedURL.replacingOccurrences(of: server.httpURL, with: approving.httpURL)

    let password = "browser-password-42"
    let browser = try ProcessRunner.run(
      python, [ProcessRunner.packageRoot + "/scripts/interop/approve_flow.py", approvalURL, "web@example.com", password, "webws"],
      environment: ["PATH": "/usr/bin:/bin", "HOME": folder.path])
    #expect(browser.status == 0, "browser: \(browser.stdout)\n\(browser.stderr)")
    #expect(browser.stdout.contains("landed on \(approving.httpURL)/login"))
    #expect(browser.stdout.contains("result: You can close this tab"))

    let deadline = Date().addingTimeInterval(30)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    #expect(!process.isRunning)
    #expect(output.contains("Web authentication finished successfully!"), "\(output)")
    #expect(output.contains("Token is connected to the webws workspace."), "\(output)")
    let config = try String(contentsOfFile: configPath, encoding: .utf8)
    let newID = try #require(config.firstMatch(of: /token_id = "(ak-[0-9A-Za-z]{22})"/).map { String($0.1) })
    var askEnvironment = environment
    askEnvironment["MODAL_SERVER_URL"] = asking.url
    let info = try ProcessRunner.run(modal, ["token", "info"], environment: askEnvironment)
    #expect(info.status == 0, "\(info.stderr)")
    #expect(info.stdout.contains("Token: \(newID)"), "\(info.stdout)")
    #expect(info.stdout.contains("Workspace: webws"), "\(info.stdout)")
    #expect(info.stdout.contains("User: web@example.com"), "\(info.stdout)")

    let log = servers.map(\.log).joined(separator: "\n")
    #expect(approving.log.contains("http POST /flow/<code> 200"))
    #expect(!log.contains(password))
    let secret = config.firstMatch(of: /token_secret = "(as-[0-9A-Za-z]+)"/).map { String($0.1) } ?? "as-missing"
    #expect(!log.contains(secret))
    #expect(!log.contains(String(approvalURL.suffix(9))), "the code must not be logged")
  }

  /// Passkeys in Chromium's virtual authenticator (DevTools `WebAuthn` domain, driven by
  /// `scripts/interop/passkey_flow.py`): enrol one, sign out, sign in with the password and the
  /// passkey; a session without a second factor is refused the `modal token new` approval under
  /// the workspace's requirement, then approves it by answering with the passkey. WebAuthn needs a domain name, not an IP
  /// address, so the public URL is `http://localhost:<port>`.
  @Test func passkeySignInApprovesUnderTheRequirement() throws {
    guard let (modal, python) = tools() else { return }
    let folder = TemporaryFolder()
    let port = try FreePort.find()
    let server = ModalServerProcess(
      dataDirectory: folder.path + "/data", logPath: folder.path + "/serve.log",
      extraArguments: ["--public-url", "http://localhost:\(port)"])
    server.httpAddress = "127.0.0.1:\(port)"
    try server.start()
    defer { server.stop(.kill) }
    let tokenNew = try TokenNew(modal: modal, server: server, folder: folder)
    defer { tokenNew.kill() }
    let approvalURL = try tokenNew.approvalURL()
    #expect(approvalURL.hasPrefix("http://localhost:\(port)/flow/"))

    let password = "passkey-password-42"
    let browser = try ProcessRunner.run(
      python,
      [ProcessRunner.packageRoot + "/scripts/interop/passkey_flow.py", "http://localhost:\(port)", approvalURL,
        "key@example.com", password, "keyws"],
      environment: ["PATH": "/usr/bin:/bin", "HOME": folder.path])
    #expect(browser.status == 0, "browser: \(browser.stdout)\n\(browser.stderr)")
    #expect(browser.stdout.contains("the authenticator holds 1 credential(s)"))
    #expect(browser.stdout.contains("B refused without a second factor: Confirm with a second factor"))
    #expect(browser.stdout.contains("A after the password, on /login/second-factor"))
    #expect(browser.stdout.contains("A signed in with the passkey, on /"))
    #expect(browser.stdout.contains("result: You can close this tab"))

    let deadline = Date().addingTimeInterval(30)
    while tokenNew.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    let output = (try? String(contentsOfFile: tokenNew.outputPath, encoding: .utf8)) ?? ""
    #expect(output.contains("Token is connected to the keyws workspace."), "\(output)")
    let log = server.log
    #expect(log.contains("http POST /login/second-factor 303") && log.contains("http POST /account/passkeys 200"))
    // B: asked (401) on approving, refused (401) with nothing, approved (200) with the passkey.
    #expect(log.components(separatedBy: "http POST /flow/<code> 401").count == 3, "\(log)")
    #expect(log.contains("http POST /flow/<code> 200"))
    #expect(!log.contains(password))
  }

  /// The OAuth apps page in Chromium (`scripts/interop/oauth_app_flow.py`): an owner registers an
  /// app with a client secret and one with a PEM public key (made by `openssl`), the browser keeps
  /// a delete whose confirmation is not ticked, a ticked one deletes; then the real Python client
  /// acts through a grant to the app whose key was pasted in the browser.
  @Test func oauthAppsAreRegisteredAndDeletedInHeadlessChromium() throws {
    guard let (modal, python) = tools() else { return }
    let folder = TemporaryFolder()
    let server = ModalServerProcess(dataDirectory: folder.path + "/data", logPath: folder.path + "/serve.log")
    try server.start()
    defer { server.stop(.kill) }
    let keyPath = folder.path + "/app-key.pem"
    try ScanningSigner.openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyPath])
    try ScanningSigner.openssl(["pkey", "-in", keyPath, "-pubout", "-out", folder.path + "/app-key.pub.pem"])

    let password = "oauth-apps-password-42"
    let browser = try ProcessRunner.run(
      python,
      [ProcessRunner.packageRoot + "/scripts/interop/oauth_app_flow.py", server.httpURL, "apps@example.com", password,
        "appsws", folder.path + "/app-key.pub.pem", folder.path + "/client-secret"],
      environment: ["PATH": "/usr/bin:/bin", "HOME": folder.path])
    let out = browser.stdout
    #expect(browser.status == 0, "browser: \(out)\n\(browser.stderr)")
    for line in [
      "apps page: /workspaces/appsws/oauth-apps", "warning shown: True", "listed with scopes read: True",
      "secret on the list page: False", "no secret for the key app: True", "unconfirmed delete kept by the browser: True",
      "deleted: True",
    ] {
      #expect(out.contains(line), "missing '\(line)' in \(out)")
    }
    let secret = try String(contentsOfFile: folder.path + "/client-secret", encoding: .utf8)
    // Judged outside #expect, whose failure message would quote the secret.
    let shaped = secret.wholeMatch(of: /ov-[0-9A-Za-z]+/) != nil
    let printed = out.contains(secret)
    #expect(shaped, "the page showed no client secret")
    #expect(!printed, "the script printed the client secret")
    let keyClient = try #require(out.firstMatch(of: /client_id_key=(oc-[0-9A-Za-z]+)/).map { String($0.1) })

    let granted = try runServerCommand([
      "oauth-app", "grant", "--data-dir", server.dataDirectory, "--workspace", "appsws", "--email", "apps@example.com",
      "--json", keyClient,
    ])
    let refreshToken = try #require(granted.stdout.firstMatch(of: /"refresh_token" *: *"(or-[0-9A-Za-z]+)"/).map { String($0.1) })
    let info = try ProcessRunner.run(
      modal, ["token", "info"],
      environment: [
        "PATH": "/usr/bin:/bin", "HOME": folder.path, "MODAL_SERVER_URL": server.url, "MODAL_OAUTH_CLIENT_ID": keyClient,
        "MODAL_OAUTH_REFRESH_TOKEN": refreshToken, "MODAL_OAUTH_JWT_KEY": try String(contentsOfFile: keyPath, encoding: .utf8),
        "MODAL_CONFIG_PATH": folder.path + "/none.toml", "COLUMNS": "400", "TERM": "dumb", "NO_COLOR": "1",
      ])
    #expect(info.status == 0 && info.stdout.contains("Workspace: appsws"), "\(info.stdout)\n\(info.stderr)")
    let logged = server.log.contains(secret) || server.log.contains(password)
    #expect(!logged, "no secret in the server log")
  }
}

/// `modal token new` (the Python reference client) running against `server`, its output in a file.
private struct TokenNew {
  let process = Process()
  let outputPath: String
  let configPath: String
  let environment: [String: String]

  init(modal: String, server: ModalServerProcess, folder: TemporaryFolder) throws {
    configPath = folder.path + "/modal.toml"
    environment = [
      "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path,
      "MODAL_SERVER_URL": server.url, "MODAL_CONFIG_PATH": configPath, "BROWSER": "/bin/false", "COLUMNS": "400",
      "TERM": "dumb", "NO_COLOR": "1",
    ]
    outputPath = folder.path + "/token-new.out"
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    process.executableURL = URL(fileURLWithPath: modal)
    process.arguments = ["token", "new"]
    process.environment = environment
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    process.standardError = process.standardOutput
    try process.run()
  }

  func kill() { if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) } }

  /// The approval URL `modal token new` prints (within 60 seconds).
  func approvalURL() throws -> String {
    var url: String?
    let end = Date().addingTimeInterval(60)
    while Date() < end, url == nil, process.isRunning {
      let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
      url = text.firstMatch(of: /http:\/\/(127\.0\.0\.1|localhost):\d+\/flow\/[B-Z]{4}-[B-Z]{4}/).map { String($0.0) }
      if url == nil { Thread.sleep(forTimeInterval: 0.05) }
    }
    return try #require(url, "no URL in: \((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")")
  }
}
