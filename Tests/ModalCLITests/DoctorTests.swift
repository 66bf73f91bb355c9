import Foundation
import TestSupport
import Testing

/// `modal doctor`: the fix of every finding must fit the finding, be safe to paste, and show no secret.
@Suite struct DoctorTests {
  /// Runs `modal doctor --json` and returns the findings by check id, and the whole output.
  private func doctor(_ harness: CLIHarness) async throws -> (findings: [String: [String: Any]], out: String) {
    let result = await harness.run(["doctor", "--json"])
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any], "\(result.out)\(result.err)")
    let findings = try #require(parsed["findings"] as? [[String: Any]])
    var byCheck: [String: [String: Any]] = [:]
    for finding in findings { byCheck[finding["check"] as? String ?? ""] = finding }
    return (byCheck, result.out + result.err)
  }

  private func sh(_ command: String, in folder: String? = nil) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try? process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  @Test(arguments: ["folder", "loop"])
  func aConfigThatCannotBeReadGetsAFixThatFits(kind: String) async throws {
    var harness = CLIHarness()
    let path = harness.folder.value.path + "/config.toml"
    if kind == "folder" {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } else {
      try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: path)
    }
    harness.variables = ["MODAL_CONFIG_PATH": path, "PATH": "/usr/bin:/bin"]
    let (findings, _) = try await doctor(harness)
    let fix = try #require(findings["config.parse"]?["fix"] as? String)
    #expect(!fix.contains("line named above"), "\(fix)")
    #expect(fix.contains(kind == "folder" ? "Point MODAL_CONFIG_PATH at a file" : "symbolic link loop"), "\(fix)")
  }

  @Test func fixCommandsQuotePathsWithSpacesAndQuotes() async throws {
    var harness = CLIHarness()
    let folder = harness.folder.value.path + "/we ird"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/it's.toml"
    try Data("[p]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n".utf8).write(to: URL(fileURLWithPath: path))
    chmod(path, 0o644)
    #expect(sh("git init -q .", in: folder) == 0)
    harness.variables = ["MODAL_CONFIG_PATH": path, "MODAL_SERVER_URL": "http://127.0.0.1:1", "PATH": "/usr/bin:/bin"]
    let (findings, _) = try await doctor(harness)
    let chmodFix = try #require(findings["config.mode"]?["fix"] as? String)
    #expect(chmodFix == "chmod 600 '\(folder)/it'\\''s.toml'")
    let ignoreFix = try #require(findings["config.git"]?["fix"] as? String)
    #expect(ignoreFix == "echo '/it'\\''s.toml' >> '\(folder)/.gitignore'")
    // Pasted into a shell, the fixes do what they say.
    #expect(sh(chmodFix) == 0 && sh(ignoreFix) == 0)
    #expect(sh("git check-ignore -q -- \"it's.toml\"", in: folder) == 0)
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  @Test func aConfigFileThatIsOnlyStagedIsCalledStaged() async throws {
    var harness = CLIHarness()
    let path = harness.folder.value.write("[p]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n", to: "modal.toml")
    #expect(sh("git init -q . && git add modal.toml", in: harness.folder.value.path) == 0)
    harness.variables = ["MODAL_CONFIG_PATH": path, "MODAL_SERVER_URL": "http://127.0.0.1:1", "PATH": "/usr/bin:/bin"]
    let (findings, _) = try await doctor(harness)
    let message = try #require(findings["config.git"]?["message"] as? String)
    #expect(message.contains("staged") && !message.contains("history"), "\(message)")
    #expect((findings["config.git"]?["fix"] as? String)?.contains("git -C") == true)
  }
}
