import Foundation
import TestSupport
import Testing

/// `modal setup` from Swift against a real modal-server, with headless Chromium signing up on the
/// dashboard and approving the login (driven by `scripts/interop/approve_flow.py`).
@Suite(.serialized) struct SetupInBrowserTests {
  @Test func setupIsApprovedInHeadlessChromium() async throws {
    let venv = ReferenceClient.venv
    var missing: [String] = []
    if !FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") { missing.append("chromium (apt-get install chromium)") }
    if !FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") { missing.append("chromedriver (apt-get install chromium-driver)") }
    let selenium = try? ProcessRunner.run(venv + "/bin/python", ["-c", "import selenium"], environment: ["PATH": "/usr/bin:/bin"])
    if selenium?.status != 0 { missing.append("selenium in \(venv) (scripts/setup.sh --test)") }
    try #require(missing.isEmpty, "The browser test needs: \(missing.joined(separator: "; "))")

    let folder = TemporaryFolder()
    let server = try ModalServerProcess(in: folder)
    defer { server.stop() }
    let environment = [
      "PATH": "/usr/bin:/bin", "HOME": folder.path, "MODAL_SERVER_URL": server.url, "BROWSER": "/bin/false",
    ]
    let setup = try ModalChild(["setup"], environment: environment, in: folder)
    #expect(await setup.waitForOutput { $0.contains("/flow/") && $0.contains("Enter this code: ") })
    let url = try #require(setup.stdout.firstMatch(of: /http:\/\/127\.0\.0\.1:\d+\/flow\/[B-Z]{4}-[B-Z]{4}/).map { String($0.0) })

    let password = "swift-browser-password-42"
    let browser = try ProcessRunner.run(
      venv + "/bin/python", [ProcessRunner.packageRoot + "/scripts/interop/approve_flow.py", url, "swift@example.com", password, "swiftws"],
      environment: ["PATH": "/usr/bin:/bin", "HOME": folder.path])
    #expect(browser.status == 0, "browser: \(browser.stdout)\n\(browser.stderr)")
    #expect(browser.stdout.contains("result: You can close this tab"))

    #expect(await setup.exitStatus() == 0, "\(setup.stdout)\n\(setup.stderr)")
    #expect(setup.stdout.contains("Web authentication finished successfully!"))
    #expect(setup.stdout.contains("Token is connected to the swiftws workspace."))
    #expect(setup.stdout.contains("Token written to \(folder.path)/.modal.toml in profile swiftws."))

    let info = try ProcessRunner.run(ProcessRunner.product("modal"), ["token", "info"], environment: environment)
    #expect(info.status == 0, "\(info.stderr)")
    #expect(info.stdout.contains("Workspace: swiftws"))
    #expect(info.stdout.contains("User: swift@example.com"))
    let config = folder.read() ?? ""
    let secret = config.firstMatch(of: /token_secret = "(as-[0-9A-Za-z]+)"/).map { String($0.1) } ?? "as-missing"
    #expect(!setup.stdout.contains(secret) && !setup.stderr.contains(secret) && !server.log.contains(secret))
  }
}
