import Foundation
import Testing
import TestSupport

/// `modal-server audit export` on a data folder changed by other commands.
struct AuditExportTests {
  @Test func exportPrintsJSONLinesOldestFirstAndFiltersByTime() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data"
    let boot = try runServerCommand(["bootstrap", "--data-dir", data, "--email", "ann@example.com", "--workspace", "ann"])
    #expect(boot.status == 0, "\(boot.stderr)")
    for name in ["first", "second"] {
      let created = try runServerCommand(["token", "create", "--data-dir", data, "--workspace", "ann", "--name", name, "--json"])
      #expect(created.status == 0, "\(created.stderr)")
    }

    let exported = try runServerCommand(["audit", "export", "--data-dir", data, "--json"])
    #expect(exported.status == 0, "\(exported.stderr)")
    let lines = exported.stdout.split(separator: "\n")
    #expect(lines.count == 2)
    let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    #expect(objects.map { $0["action"] as? String } == ["token.created", "token.created"])
    #expect(objects.map { ($0["target"] as? [String: Any])?["name"] as? String } == ["first", "second"])
    #expect(objects.allSatisfy { $0["source"] as? String == "cli" && $0["outcome"] as? String == "success" })
    #expect(objects.map { $0["sequence"] as? Int } == [1, 2])
    #expect(!exported.stdout.contains("as-"))  // no token secret

    let text = try runServerCommand(["audit", "export", "--data-dir", data, "--since", "1h"])
    #expect(text.status == 0 && text.stdout.split(separator: "\n").count == 2)
    #expect(text.stdout.contains("token.created  success  modal-server  first (ak-"))
    let future = try runServerCommand(["audit", "export", "--data-dir", data, "--since", "2999-01-01"])
    #expect(future.status == 0 && future.stdout.isEmpty)
    let bad = try runServerCommand(["audit", "export", "--data-dir", data, "--since", "yesterday"])
    #expect(bad.status == 1 && bad.stderr.contains("--since must be a time"))
  }
}
