import Foundation
import ModalServer
import Testing
import TestSupport

/// The issue's end-to-end proof: the real Python `modal==1.6.4` runs `modal token new` against a
/// real `modal-server serve` while headless Chromium (driven by `scripts/interop/approve_flow.py`
/// through selenium and chromedriver) signs up on the dashboard and approves the login.
@Suite(.serialized) struct DashboardBrowserTests {
  /// What the browser test needs; records a failure (never a skip) when something is missing.
  private func tools() -> (modal: String, python: String)? {
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

  @Test func tokenNewIsApprovedInHeadlessChromium() throws {
    guard let (modal, python) = tools() else { return }
    let folder = TemporaryFolder()
    let server = ServerProcess(dataDirectory: folder.path + "/data", logPath: folder.path + "/serve.log")
    try server.start()
    defer { server.stopHard() }
    let configPath = folder.path + "/modal.toml"
    let environment = [
      "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path,
      "MODAL_SERVER_URL": server.url, "MODAL_CONFIG_PATH": configPath, "BROWSER": "/bin/false", "COLUMNS": "400",
      "TERM": "dumb", "NO_COLOR": "1",
    ]
    let outputPath = folder.path + "/token-new.out"
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: modal)
    process.arguments = ["token", "new"]
    process.environment = environment
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    process.standardError = process.standardOutput
    try process.run()
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    var url: String?
    let end = Date().addingTimeInterval(60)
    while Date() < end, url == nil, process.isRunning {
      let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
      url = text.firstMatch(of: /http:\/\/127\.0\.0\.1:\d+\/flow\/[B-Z]{4}-[B-Z]{4}/).map { String($0.0) }
      if url == nil { Thread.sleep(forTimeInterval: 0.05) }
    }
    let approvalURL = try #require(url, "no URL in: \((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")")
    #expect(approvalURL.hasPrefix(server.httpURL))

    let password = "browser-password-42"
    let browser = try ProcessRunner.run(
      python, [ProcessRunner.packageRoot + "/scripts/interop/approve_flow.py", approvalURL, "web@example.com", password, "webws"],
      environment: ["PATH": "/usr/bin:/bin", "HOME": folder.path])
    #expect(browser.status == 0, "browser: \(browser.stdout)\n\(browser.stderr)")
    #expect(browser.stdout.contains("landed on \(server.httpURL)/login"))
    #expect(browser.stdout.contains("result: You can close this tab"))

    let deadline = Date().addingTimeInterval(30)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    #expect(!process.isRunning)
    #expect(output.contains("Web authentication finished successfully!"), "\(output)")
    #expect(output.contains("Token is connected to the webws workspace."), "\(output)")
    let config = try String(contentsOfFile: configPath, encoding: .utf8)
    let newID = try #require(config.firstMatch(of: /token_id = "(ak-[0-9A-Za-z]{22})"/).map { String($0.1) })
    let info = try ProcessRunner.run(modal, ["token", "info"], environment: environment)
    #expect(info.status == 0, "\(info.stderr)")
    #expect(info.stdout.contains("Token: \(newID)"), "\(info.stdout)")
    #expect(info.stdout.contains("Workspace: webws"), "\(info.stdout)")
    #expect(info.stdout.contains("User: web@example.com"), "\(info.stdout)")

    let log = server.log
    #expect(log.contains("http POST /flow/<code> 200"))
    #expect(!log.contains(password))
    let secret = config.firstMatch(of: /token_secret = "(as-[0-9A-Za-z]+)"/).map { String($0.1) } ?? "as-missing"
    #expect(!log.contains(secret))
    #expect(!log.contains(String(approvalURL.suffix(9))), "the code must not be logged")
  }
}
