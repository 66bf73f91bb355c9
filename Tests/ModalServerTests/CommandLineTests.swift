import Foundation
import ModalServer
import Testing
import TestSupport

@Suite struct CommandLineTests {
  @Test func helpAndUsageErrors() throws {
    for arguments in [["--help"], ["serve", "--help"], ["bootstrap", "--help"], ["token", "create", "--help"], ["token", "revoke", "-h"], ["flow", "approve", "--help"]] {
      let result = try runServerCommand(arguments)
      #expect(result.status == 0, "\(arguments)")
      #expect(result.stdout.contains("Usage: modal-server"))
    }
    for arguments in [[], ["launch"], ["serve"], ["serve", "--data-dir", "/tmp/x", "--grpc-address", "nope", "--http-address", "a:1"],
                      ["bootstrap", "--email", "a@b.c"], ["token", "create", "--data-dir", "/tmp/x", "--workspace", "w", "--expires-in", "0s"],
                      ["token", "create", "--data-dir", "/tmp/x", "--workspace", "w", "--expires-in", "abc"], ["token", "revoke", "--data-dir", "/tmp/x"],
                      ["token", "create", "--data-dir", "/tmp/x", "--workspace", "w", "--bogus"]] {
      let result = try runServerCommand(arguments)
      #expect(result.status == 2, "\(arguments): \(result.stderr)")
      #expect(result.stderr.hasPrefix("Error: "))
    }
  }

  @Test func bootstrapTokensAndErrors() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data"
    let passwordFile = folder.write("a long enough password\n", to: "password")
    let boot = try runServerCommand([
      "bootstrap", "--data-dir", data, "--email", "Ann@Example.com", "--workspace", "ann", "--password-file", passwordFile,
    ])
    #expect(boot.status == 0, "\(boot.stderr)")
    #expect(boot.stdout.contains("token_id: ak-") && boot.stdout.contains("token_secret: as-"))
    let again = try runServerCommand(["bootstrap", "--data-dir", data, "--email", "ann@example.com", "--workspace", "other"])
    #expect(again.status == 1)
    #expect(again.stderr == "Error: A user with the email ann@example.com already exists; nothing was changed.\n")
    let sameWorkspace = try runServerCommand(["bootstrap", "--data-dir", data, "--email", "bob@example.com", "--workspace", "ann"])
    #expect(sameWorkspace.status == 1)

    let created = try runServerCommand([
      "token", "create", "--data-dir", data, "--workspace", "ann", "--name", "ci", "--expires-in", "12h", "--scopes", "read,secrets:write", "--json",
    ])
    #expect(created.status == 0, "\(created.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
    #expect(object["scopes"] as? String == "read,secrets:write")
    #expect(object["expires_at"] != nil)
    let id = try #require(object["token_id"] as? String)
    let revoked = try runServerCommand(["token", "revoke", "--data-dir", data, id])
    #expect(revoked.status == 0 && revoked.stdout == "Revoked token \(id).\n")
    let unknown = try runServerCommand(["token", "revoke", "--data-dir", data, "ak-AAAAAAAAAAAAAAAAAAAAAA"])
    #expect(unknown.status == 1 && unknown.stderr.hasPrefix("Error: No token"))
    let noWorkspace = try runServerCommand(["token", "create", "--data-dir", data, "--workspace", "nope"])
    #expect(noWorkspace.status == 1 && noWorkspace.stderr == "Error: No workspace named 'nope'.\n")
    let noFolder = try runServerCommand(["token", "create", "--data-dir", folder.path + "/missing", "--workspace", "ann"])
    #expect(noFolder.status == 1 && noFolder.stderr.contains("does not exist"))
    let badCode = try runServerCommand(["flow", "approve", "--data-dir", data, "--code", "BCDF-GHJK", "--email", "ann@example.com"])
    #expect(badCode.status == 1 && badCode.stderr.hasPrefix("Error: No pending login flow has the code BCDF-GHJK"))
    // No secret ever reaches standard error.
    for output in [boot, created] { #expect(!output.stderr.contains("as-")) }
  }

  /// A password file written on Windows ends its line with CRLF: the password is the line without it.
  @Test func aPasswordFileWithCRLFLineEndings() async throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data"
    let passwordFile = folder.write("pw-with-crlf-123\r\nsecond line\r\n", to: "password")
    let boot = try runServerCommand(["bootstrap", "--data-dir", data, "--email", "crlf@example.com", "--workspace", "crlf", "--password-file", passwordFile])
    #expect(boot.status == 0, "\(boot.stderr)")
    let store = try SQLiteStore(path: data + "/modal-server.sqlite3")
    let hash = try #require(try await store.user(email: "crlf@example.com")?.passwordHash)
    await store.close()
    #expect(PasswordHasher().verify("pw-with-crlf-123", against: hash))
  }

  /// A new random key would make every existing token and secret unusable: a lost key file, or
  /// another server's, is refused with what to do, and nothing is created.
  @Test func aMissingOrForeignKeyFileIsRefused() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data"
    let other = folder.path + "/other"
    for (dir, workspace) in [(data, "ann"), (other, "bob")] {
      let boot = try runServerCommand(["bootstrap", "--data-dir", dir, "--email", "\(workspace)@example.com", "--workspace", workspace])
      #expect(boot.status == 0, "\(boot.stderr)")
    }
    let keyFile = data + "/server-keys"
    let original = try Data(contentsOf: URL(fileURLWithPath: keyFile))
    try FileManager.default.removeItem(atPath: keyFile)

    let create = try runServerCommand(["token", "create", "--data-dir", data, "--workspace", "ann"])
    #expect(create.status == 1)
    #expect(create.stderr.contains("The server key file \(keyFile) is missing. Restore it from your backup"), "\(create.stderr)")
    let serve = try runServerCommand(["serve", "--data-dir", data, "--grpc-address", "127.0.0.1:0", "--http-address", "127.0.0.1:0"])
    #expect(serve.status == 1)
    #expect(serve.stderr.contains("is missing, but SQLite \(data)/modal-server.sqlite3 holds tokens and secrets made with a key"), "\(serve.stderr)")
    #expect(!FileManager.default.fileExists(atPath: keyFile))

    try FileManager.default.copyItem(atPath: other + "/server-keys", toPath: keyFile)
    let foreign = try runServerCommand(["token", "create", "--data-dir", data, "--workspace", "ann"])
    #expect(foreign.status == 1)
    #expect(foreign.stderr.contains("this is the key file of another server"), "\(foreign.stderr)")

    try FileManager.default.removeItem(atPath: keyFile)
    try original.write(to: URL(fileURLWithPath: keyFile))
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
    #expect(try runServerCommand(["token", "create", "--data-dir", data, "--workspace", "ann"]).status == 0)

    // Same key id, other key material (an edited file): refused before anything is made with it.
    let line = try String(contentsOfFile: keyFile, encoding: .utf8)
    let editedLine = String(line.prefix { $0 != " " }) + " " + String(repeating: "ab", count: 32) + "\n"
    try FileManager.default.removeItem(atPath: keyFile)
    try editedLine.write(toFile: keyFile, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
    let edited = try runServerCommand(["token", "create", "--data-dir", data, "--workspace", "ann"])
    #expect(edited.status == 1 && edited.stderr.contains("the file was edited or comes from another server"), "\(edited.stderr)")
    try FileManager.default.removeItem(atPath: keyFile)
    try original.write(to: URL(fileURLWithPath: keyFile))
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)

    // A second replica folder without a key file, on a database with no live token left: the
    // database still knows its key, so the replica is refused and makes no key of its own.
    let solo = folder.path + "/solo"
    let booted = try runServerCommand(["bootstrap", "--data-dir", solo, "--email", "s@example.com", "--workspace", "solo", "--json"])
    let soloToken = try bootstrapCredentials(booted.stdout)
    #expect(try runServerCommand(["token", "revoke", "--data-dir", solo, soloToken.id]).status == 0)
    let replica = folder.path + "/replica"
    let second = try runServerCommand([
      "serve", "--data-dir", replica, "--database", "sqlite:" + solo + "/modal-server.sqlite3", "--grpc-address", "127.0.0.1:0",
      "--http-address", "127.0.0.1:0",
    ])
    #expect(second.status == 1 && second.stderr.contains("already belongs to a server with key"), "\(second.stderr)")
    #expect(!FileManager.default.fileExists(atPath: replica + "/server-keys"))

    // A folder that exists but was never bootstrapped gets neither a key file nor a database.
    let empty = folder.path + "/empty"
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
    let inEmpty = try runServerCommand(["token", "create", "--data-dir", empty, "--workspace", "ann"])
    #expect(inEmpty.status == 1 && inEmpty.stderr.contains("is missing"), "\(inEmpty.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty)
  }

  @Test func serveStopsCleanlyOnSIGTERMAndRefusesASecondServer() async throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data"
    let server = ModalServerProcess(dataDirectory: data, logPath: folder.path + "/serve.log")
    try server.start()
    #expect(server.log.contains("HTTP listening on 127.0.0.1:\(server.httpPort)"))
    let second = try runServerCommand(["serve", "--data-dir", data, "--grpc-address", "127.0.0.1:0", "--http-address", "127.0.0.1:1"])
    #expect(second.status == 1 && second.stderr.contains("Another modal-server is already serving"))
    #expect(server.stop(.terminate) == 0)
    #expect(server.log.contains("SIGTERM received") && server.log.contains("modal-server: stopped"))
    #expect(!FileManager.default.fileExists(atPath: data + "/" + LocalEventSocket.socketName))
  }
}
