import Foundation
import Testing
import TestSupport

@testable import ModalServer

/// `modal-server backup` and `restore` on an idle data folder: the round trip keeps tokens usable,
/// and every refusal says what is wrong and changes nothing.
@Suite struct BackupCommandTests {
  /// A bootstrapped data folder in `folder` and its token.
  private func bootstrapped(_ folder: TemporaryFolder, name: String = "data", workspace: String = "ann") throws -> (String, Credentials) {
    let data = folder.path + "/" + name
    let boot = try runServerCommand(["bootstrap", "--data-dir", data, "--email", "\(workspace)@example.com", "--workspace", workspace, "--json"])
    #expect(boot.status == 0, "\(boot.stderr)")
    return (data, try bootstrapCredentials(boot.stdout))
  }

  @Test func aRestoredFolderAcceptsTheBackedUpTokens() async throws {
    let folder = TemporaryFolder()
    let (data, token) = try bootstrapped(folder)
    let file = folder.path + "/backup.sqlite3"
    let backup = try runServerCommand(["backup", "--data-dir", data, "--to", file])
    #expect(backup.status == 0, "\(backup.stderr)")
    #expect(backup.stdout.contains("schema version \(StoreSchema.latestVersion)") && backup.stdout.contains(file + ".keys"))
    #expect(try permissions(file + ".keys") == 0o600 && permissions(file) == 0o600)
    #expect(!FileManager.default.fileExists(atPath: file + "-wal"))

    let restored = folder.path + "/restored"
    let restore = try runServerCommand(["restore", "--from", file, "--data-dir", restored])
    #expect(restore.status == 0, "\(restore.stderr)")
    #expect(restore.stdout.contains("1 key(s) checked"))
    #expect(try permissions(restored + "/server-keys") == 0o600)
    #expect(folder.read("restored/server-keys") == folder.read("data/server-keys"))

    let opened = try await ServerCommandLine.open(dataDirectory: restored, create: false)
    let backend = Backend(dependencies: Dependencies(store: opened.store, keys: opened.keys))
    let caller = try await backend.tokens.authenticate(id: token.id, secret: token.secret)
    #expect(caller.workspace.name == "ann")
    await opened.store.close()
  }

  @Test func refusalsNameWhatIsWrong() throws {
    let folder = TemporaryFolder()
    let (data, _) = try bootstrapped(folder)
    let (other, _) = try bootstrapped(folder, name: "other", workspace: "bob")
    let file = folder.path + "/backup.sqlite3"
    #expect(try runServerCommand(["backup", "--data-dir", data, "--to", file]).status == 0)

    let again = try runServerCommand(["backup", "--data-dir", data, "--to", file])
    #expect(again.status == 1 && again.stderr.contains("exists; choose a new --to FILE"), "\(again.stderr)")
    let postgres = try runServerCommand(["backup", "--data-dir", data, "--to", folder.path + "/pg", "--database", "postgres://u@127.0.0.1:1/db"])
    #expect(postgres.status == 1 && postgres.stderr.contains("pg_dump"), "\(postgres.stderr)")

    let notEmpty = try runServerCommand(["restore", "--from", file, "--data-dir", other])
    #expect(notEmpty.status == 1 && notEmpty.stderr.contains("is not empty"), "\(notEmpty.stderr)")

    // The key file of another server: the database's fingerprints say which key is missing.
    let keyID = try #require(folder.read("data/server-keys")?.split(separator: " ").first.map(String.init))
    try FileManager.default.removeItem(atPath: file + ".keys")
    let noKeys = try runServerCommand(["restore", "--from", file, "--data-dir", folder.path + "/r1"])
    #expect(noKeys.status == 1 && noKeys.stderr.contains("key file \(file).keys is missing"), "\(noKeys.stderr)")
    try FileManager.default.copyItem(atPath: other + "/server-keys", toPath: file + ".keys")
    let foreign = try runServerCommand(["restore", "--from", file, "--data-dir", folder.path + "/r2"])
    #expect(foreign.status == 1 && foreign.stderr.contains("it lacks key \(keyID)"), "\(foreign.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/r2"))

    let junk = folder.write("not a database at all, but long enough to have a header of sorts\n", to: "junk")
    try FileManager.default.copyItem(atPath: data + "/server-keys", toPath: junk + ".keys")
    let notDatabase = try runServerCommand(["restore", "--from", junk, "--data-dir", folder.path + "/r3"])
    #expect(notDatabase.status == 1 && notDatabase.stderr.contains("is not a modal-server database"), "\(notDatabase.stderr)")
    let missing = try runServerCommand(["restore", "--from", folder.path + "/nothing", "--data-dir", folder.path + "/r4"])
    #expect(missing.status == 1 && missing.stderr.contains("There is no backup"), "\(missing.stderr)")
  }

  private func permissions(_ path: String) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
  }
}
