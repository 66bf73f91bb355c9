import Foundation
import Testing
import TestSupport

/// `modal doctor` on a matrix of broken set-ups: each finding is named, with its fix, and the exit
/// code is 1; a healthy set-up exits 0.
@Suite(.serialized) struct DoctorMatrixTests {
  let folder = TemporaryFolder()

  struct Finding {
    let check: String
    let status: String
    let message: String
    let fix: String?
  }

  /// Runs `modal doctor --json` with a private home and returns the exit status and findings.
  func doctor(_ variables: [String: String] = [:]) throws -> (status: Int32, findings: [Finding], text: String) {
    let environment = ["PATH": "/usr/bin:/bin", "HOME": folder.path].merging(variables) { $1 }
    let result = try ProcessRunner.run(ProcessRunner.product("modal"), ["doctor", "--json"], environment: environment)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout) \(result.stderr)")
    let findings = (json["findings"] as? [[String: Any]] ?? []).map {
      Finding(check: $0["check"] as? String ?? "", status: $0["status"] as? String ?? "", message: $0["message"] as? String ?? "", fix: $0["fix"] as? String)
    }
    #expect((json["ok"] as? Bool) == (result.status == 0))
    return (result.status, findings, result.stdout)
  }

  func finding(_ findings: [Finding], _ check: String) -> Finding? { findings.first { $0.check == check } }

  func profile(_ server: ModalServerProcess, id: String, secret: String, name: String = "me") -> String {
    "[\(name)]\ntoken_id = \"\(id)\"\ntoken_secret = \"\(secret)\"\nserver_url = \"\(server.url)\"\nactive = true\n"
  }

  func writeConfig(_ text: String, mode: Int = 0o600) {
    let path = folder.write(text)
    chmod(path, mode_t(mode))
  }

  @Test func healthySetUpPasses() throws {
    let server = try ModalServerProcess(in: folder)
    writeConfig(profile(server, id: server.tokenID, secret: server.tokenSecret))
    let result = try doctor()
    #expect(result.status == 0, "\(result.text)")
    #expect(finding(result.findings, "token.accepted")?.status == "ok")
    #expect(finding(result.findings, "token.workspace")?.message.contains("Workspace me") == true)
    #expect(finding(result.findings, "token.scopes")?.message.contains("unknown") == true)
    #expect(finding(result.findings, "token.clock")?.status == "ok")
    #expect(finding(result.findings, "credentials.resolved")?.message.contains("as-****") == true)
    #expect(!result.text.contains(server.tokenSecret))
  }

  @Test func missingFile() throws {
    let result = try doctor(["MODAL_SERVER_URL": "http://127.0.0.1:1"])
    #expect(result.status == 1)
    let found = try #require(finding(result.findings, "config.exists"))
    #expect(found.status == "problem" && found.fix?.contains("modal setup") == true)
  }

  @Test func malformedFileNamesLineAndColumn() throws {
    writeConfig("[me]\ntoken_id = \"ak-1\"\ntoken_secret = as-2\n")
    let result = try doctor()
    let found = try #require(finding(result.findings, "config.parse"))
    #expect(result.status == 1 && found.status == "problem")
    #expect(found.message.contains("/.modal.toml:3:16"), "\(found.message)")
    #expect(found.fix != nil)
  }

  @Test func twoActiveProfiles() throws {
    writeConfig("[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n[b]\ntoken_id = \"ak-2\"\ntoken_secret = \"as-2\"\nactive = true\n")
    let result = try doctor(["MODAL_SERVER_URL": "http://127.0.0.1:1"])
    let found = try #require(finding(result.findings, "config.profile"))
    #expect(result.status == 1 && found.status == "problem" && found.message.contains("More than one Modal profile is active"))
    #expect(found.fix?.contains("modal profile activate") == true)
  }

  @Test func worldReadableFile() throws {
    let server = try ModalServerProcess(in: folder)
    writeConfig(profile(server, id: server.tokenID, secret: server.tokenSecret), mode: 0o644)
    let result = try doctor()
    let found = try #require(finding(result.findings, "config.mode"))
    #expect(result.status == 1 && found.status == "warning" && found.message.contains("mode 644"))
    #expect(found.fix == "chmod 600 \(folder.path)/.modal.toml")
  }

  @Test func insideAGitWorkTreeNotIgnoredThenTracked() throws {
    let server = try ModalServerProcess(in: folder)
    writeConfig(profile(server, id: server.tokenID, secret: server.tokenSecret))
    let git = ["PATH": "/usr/bin:/bin", "HOME": folder.path, "GIT_CONFIG_NOSYSTEM": "1"]
    #expect(try ProcessRunner.run("/usr/bin/git", ["init", "-q", folder.path], environment: git).status == 0)
    let untracked = try doctor()
    let warning = try #require(finding(untracked.findings, "config.git"))
    #expect(untracked.status == 1 && warning.status == "warning" && warning.fix?.contains("echo /.modal.toml >> ") == true, "\(warning)")
    #expect(try ProcessRunner.run("/usr/bin/git", ["-C", folder.path, "add", "-f", ".modal.toml"], environment: git).status == 0)
    let staged = try #require(finding(try doctor().findings, "config.git"))
    #expect(staged.status == "problem" && staged.message.contains("is staged in the git repository"), "\(staged)")
    let commit = ["-C", folder.path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "oops"]
    #expect(try ProcessRunner.run("/usr/bin/git", commit, environment: git).status == 0)
    let tracked = try doctor()
    let problem = try #require(finding(tracked.findings, "config.git"))
    #expect(problem.status == "problem" && problem.message.contains("tracked by the git repository"), "\(problem)")
    #expect(problem.fix?.contains("rm --cached") == true && problem.fix?.contains("modal token rotate") == true)
    folder.write("/.modal.toml\n", to: ".gitignore")
    #expect(try ProcessRunner.run("/usr/bin/git", ["-C", folder.path, "rm", "-q", "--cached", ".modal.toml"], environment: git).status == 0)
    #expect(finding(try doctor().findings, "config.git")?.status == "ok")
  }

  @Test func wrongSecret() throws {
    let server = try ModalServerProcess(in: folder)
    writeConfig(profile(server, id: server.tokenID, secret: "as-WRONGWRONGWRONGWRONG0000"))
    let result = try doctor()
    let found = try #require(finding(result.findings, "token.accepted"))
    #expect(result.status == 1 && found.status == "problem" && found.message.contains("Token validation failed: the token id or secret is wrong"), "\(found.message)")
    #expect(found.fix?.contains("modal token new --profile me") == true)
  }

  @Test func expiredToken() async throws {
    let server = try ModalServerProcess(in: folder)
    let created = try server.run(["token", "create", "--workspace", "me", "--expires-in", "1s", "--json"])
    let id = try #require(created.stdout.firstMatch(of: /"token_id"\s*:\s*"(ak-[A-Za-z0-9]+)"/)).1
    let secret = try #require(created.stdout.firstMatch(of: /"token_secret"\s*:\s*"(as-[A-Za-z0-9]+)"/)).1
    writeConfig(profile(server, id: String(id), secret: String(secret)))
    try await Task.sleep(for: .seconds(2.5))
    let result = try doctor()
    let found = try #require(finding(result.findings, "token.accepted"))
    #expect(result.status == 1 && found.status == "problem" && found.message.contains("expired"), "\(found.message)")
  }

  @Test func revokedTokenIsNamed() throws {
    let server = try ModalServerProcess(in: folder)
    writeConfig(profile(server, id: server.tokenID, secret: server.tokenSecret))
    #expect(try server.run(["token", "revoke", server.tokenID]).status == 0)
    let result = try doctor()
    let found = try #require(finding(result.findings, "token.accepted"))
    #expect(result.status == 1 && found.status == "problem" && found.message.contains("was revoked"), "\(found.message)")
    #expect(found.fix?.contains("modal token new") == true)
  }

  @Test func unreachableServer() throws {
    let port = try FreePort.find()
    writeConfig("[me]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-2\"\nserver_url = \"http://127.0.0.1:\(port)\"\nactive = true\n")
    let result = try doctor()
    let found = try #require(finding(result.findings, "server.tcp"))
    #expect(result.status == 1 && found.status == "problem" && found.message.contains("refused"))
    #expect(found.fix?.contains("nc -vz 127.0.0.1 \(port)") == true)
    #expect(finding(result.findings, "token.accepted")?.status == "info")
  }

  @Test func environmentShadowsProfileAndHalfPairs() throws {
    let server = try ModalServerProcess(in: folder)
    writeConfig(profile(server, id: server.tokenID, secret: server.tokenSecret))
    let shadowed = try doctor(["MODAL_TOKEN_ID": server.tokenID, "MODAL_TOKEN_SECRET": server.tokenSecret])
    #expect(finding(shadowed.findings, "credentials.shadowing")?.fix?.contains("unset MODAL_TOKEN_ID MODAL_TOKEN_SECRET") == true)
    let half = try doctor(["MODAL_TOKEN_ID": server.tokenID])
    let found = try #require(finding(half.findings, "credentials.environment"))
    #expect(found.status == "problem" && found.message.contains("MODAL_TOKEN_SECRET is not"))
  }

  @Test func untrustedAndWrongHostTLSCertificates() throws {
    let certificates = try TestCertificates(in: folder)
    let server = try StandInServer(script: [:], certificate: (certificates.certificatePath, certificates.keyPath))
    writeConfig("[me]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-2\"\nserver_url = \"\(server.url)\"\nactive = true\n")
    let untrusted = try doctor()
    let found = try #require(finding(untrusted.findings, "server.tls"), "\(untrusted.text)")
    #expect(untrusted.status == 1 && found.status == "problem" && found.message.contains("certificate"), "\(found.message)")
    #expect(found.fix?.contains("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH") == true)

    let other = TemporaryFolder()
    let wrongHost = try TestCertificates(in: other, host: "wrong.example")
    let second = try StandInServer(script: [:], certificate: (wrongHost.certificatePath, wrongHost.keyPath))
    writeConfig("[me]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-2\"\nserver_url = \"\(second.url)\"\nactive = true\n")
    let mismatch = try doctor(["GRPC_DEFAULT_SSL_ROOTS_FILE_PATH": wrongHost.caPath])
    let named = try #require(finding(mismatch.findings, "server.tls"), "\(mismatch.text)")
    #expect(named.status == "problem" && named.message.contains("wrong.example") || named.message.contains("host name"), "\(named.message)")
  }
}
