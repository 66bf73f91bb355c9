import Foundation
import Testing
import TestSupport

/// `modal token scan --check-server` and `--report` end to end: our CLI against a real
/// `modal-server`, with no token of the user's own.
@Suite(.serialized) struct LeakReportProcessTests {
  @Test func theCommandLineChecksThenReportsAFoundTokenAndNeverSendsOrPrintsTheSecret() async throws {
    let folder = TemporaryFolder()
    let server = try ModalServerProcess(in: folder)
    let made = try ModalServerProcess.command(
      ["token", "create", "--data-dir", server.dataDirectory, "--workspace", "me", "--name", "laptop", "--json"])
    #expect(made.status == 0, "\(made.stderr)")
    let leaked = try bootstrapCredentials(made.stdout)
    // A checked-in config: the pair, and a look-alike of the secret (one character changed).
    var lookAlike = Array(leaked.secret)
    lookAlike[5] = lookAlike[5] == "A" ? "B" : "A"
    let project = folder.path + "/project"
    try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
    try Data("MODAL_TOKEN_ID=\(leaked.id)\nMODAL_TOKEN_SECRET=\(leaked.secret)\nOTHER=\(String(lookAlike))\n".utf8)
      .write(to: URL(fileURLWithPath: project + "/settings.env"))
    let environment = [
      "PATH": "/usr/bin:/bin", "HOME": folder.path, "MODAL_SERVER_URL": server.url,
      "MODAL_CONFIG_PATH": folder.path + "/none.toml", "TERM": "dumb", "NO_COLOR": "1",
    ]
    func scan(_ options: [String]) throws -> ProcessOutput {
      try ProcessRunner.run(ProcessRunner.product("modal"), ["token", "scan"] + options + [project], environment: environment)
    }
    func findings(_ output: ProcessOutput) throws -> [[String: Any]] {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
      return try #require(object["findings"] as? [[String: Any]])
    }

    let before = try scan(["--check-server", "--format", "json"])
    #expect(before.status == 1, "\(before.stderr)")
    let checked = try findings(before)
    #expect(checked.count == 1 && checked[0]["server_state"] as? String == "active", "\(before.stdout)")
    #expect(checked[0]["report"] is NSNull)

    let reported = try scan(["--report"])
    #expect(reported.status == 1, "\(reported.stderr)")
    #expect(reported.stdout.contains("reported: revoked by the server"), "\(reported.stdout)")

    let after = try scan(["--check-server", "--report", "--format", "json"])
    let again = try findings(after)
    #expect(again.first?["server_state"] as? String == "revoked" && again.first?["report"] as? String == "already_inactive")
    let sarif = try scan(["--check-server", "--format", "sarif"])
    #expect(sarif.stdout.contains("server: revoked"), "\(sarif.stdout)")

    // The token is refused; the server's own token is not touched.
    let info = try ProcessRunner.run(
      ProcessRunner.product("modal"), ["token", "info"],
      environment: environment.merging(["MODAL_TOKEN_ID": leaked.id, "MODAL_TOKEN_SECRET": leaked.secret]) { $1 })
    #expect(info.status != 0 && info.stderr.contains("was revoked"), "\(info.stderr)")
    let mine = try ProcessRunner.run(
      ProcessRunner.product("modal"), ["token", "info"],
      environment: environment.merging(["MODAL_TOKEN_ID": server.tokenID, "MODAL_TOKEN_SECRET": server.tokenSecret]) { $1 })
    #expect(mine.status == 0, "\(mine.stderr)")

    // The secret was in no output and reached no log line; the audit log names the file.
    for output in [before, reported, after, sarif] {
      #expect(!output.stdout.contains(leaked.secret) && !output.stderr.contains(leaked.secret))
    }
    #expect(!server.log.contains(leaked.secret))
    let audit = try ModalServerProcess.command(["audit", "export", "--data-dir", server.dataDirectory, "--json"])
    #expect(audit.stdout.contains("token.leak_revoked") && audit.stdout.contains("settings.env:2"), "\(audit.stdout.suffix(800))")
    #expect(!audit.stdout.contains(leaked.secret))
  }
}
