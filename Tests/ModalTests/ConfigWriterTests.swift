import Foundation
import Modal
import TOML
import TestSupport
import Testing

@Suite struct ConfigWriterTests {
  private let commented = """
    # My Modal config
    [alice]  # work
    token_id = "ak-old"   # rotated monthly
    token_secret = "as-old"
    active = true

    # personal account
    [bob]
    token_id = "ak-bob"
    token_secret = "as-bob"

    """

  @Test func storingATokenKeepsCommentsAndOtherProfiles() throws {
    let folder = TemporaryFolder()
    let path = folder.write(commented)
    try ConfigWriter(path: path).storeToken(profile: "alice", tokenID: "ak-new", tokenSecret: "as-new", serverURL: nil, activate: true)
    #expect(folder.read() == commented.replacingOccurrences(of: "\"ak-old\"", with: "\"ak-new\"").replacingOccurrences(of: "\"as-old\"", with: "\"as-new\""))
  }

  /// `kill -9` during a write leaves `<file>.tmp-XXXXXX` with every secret in it; the next write
  /// removes it (and only files of exactly that shape).
  @Test func aWriteRemovesTheTemporaryFilesOfKilledWrites() throws {
    let folder = TemporaryFolder()
    let path = folder.write(commented)
    let leftover = path + ".tmp-Ab3xY9"
    let others = [path + ".tmp-short", path + ".tmp-Ab3xY9.bak", folder.path + "/other.toml.tmp-Ab3xY9"]
    for file in [leftover] + others { _ = FileManager.default.createFile(atPath: file, contents: Data("token_secret = \"as-x\"\n".utf8)) }
    #expect(StaleTemporaryFiles.find(besides: path) == [leftover])
    try ConfigWriter(path: path).activateProfile("bob")
    #expect(!FileManager.default.fileExists(atPath: leftover))
    #expect(others.allSatisfy { FileManager.default.fileExists(atPath: $0) })
    #expect(StaleTemporaryFiles.find(besides: path).isEmpty)
  }

  @Test func activatingMovesTheActiveFlag() throws {
    let folder = TemporaryFolder()
    let path = folder.write(commented)
    try ConfigWriter(path: path).activateProfile("bob")
    let text = folder.read() ?? ""
    #expect(text.contains("# My Modal config\n[alice]  # work\n"))
    #expect(text.contains("# personal account\n[bob]"))
    let file = try ConfigFile.load(from: path, fileSystem: LocalFileSystem())
    #expect(file.profile("alice")?["active"] == nil)
    #expect(file.profile("bob")?["active"] == .boolean(true))
  }

  @Test func activatingAMissingProfileIsAnErrorAndChangesNothing() throws {
    let folder = TemporaryFolder()
    let path = folder.write(commented)
    let error = #expect(throws: ModalError.self) { try ConfigWriter(path: path).activateProfile("nope") }
    #expect(error?.message == "No profile named 'nope' found in \(path)")
    #expect(folder.read() == commented)
  }

  @Test func newFileIsCreatedWithMode600InMissingFolders() throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/a/b/config.toml"
    let activated = try ConfigWriter(path: path).storeToken(
      profile: "w", tokenID: "ak-1", tokenSecret: "as-1", serverURL: "http://127.0.0.1:9", activate: false)
    #expect(activated, "the first profile is activated even with --no-activate")
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    let file = try ConfigFile.load(from: path, fileSystem: LocalFileSystem())
    #expect(file.profile("w")?.keys == ["token_id", "token_secret", "server_url", "active"])
  }

  @Test func defaultServerURLIsNotWritten() throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/c.toml"
    try ConfigWriter(path: path).storeToken(profile: "w", tokenID: "ak-1", tokenSecret: "as-1", serverURL: Setting.defaultServerURL, activate: true)
    #expect(try ConfigFile.load(from: path, fileSystem: LocalFileSystem()).profile("w")?["server_url"] == nil)
  }

  @Test func secondProfileIsNotActivatedWithNoActivate() throws {
    let folder = TemporaryFolder()
    let path = folder.write(commented)
    let activated = try ConfigWriter(path: path).storeToken(profile: "carol", tokenID: "ak-c", tokenSecret: "as-c", serverURL: nil, activate: false)
    #expect(!activated)
    let file = try ConfigFile.load(from: path, fileSystem: LocalFileSystem())
    #expect(file.profileNames == ["alice", "bob", "carol"])
    #expect(file.profile("alice")?["active"] == .boolean(true))
    #expect(folder.read()?.hasPrefix(commented) == true)
  }

  @Test func quotedProfileNamesRoundTrip() throws {
    let folder = TemporaryFolder()
    let path = folder.write("")
    try ConfigWriter(path: path).storeToken(profile: "my.work space", tokenID: "ak-1", tokenSecret: "as-1", serverURL: nil, activate: true)
    let file = try ConfigFile.load(from: path, fileSystem: LocalFileSystem())
    #expect(file.profileNames == ["my.work space"])
  }

  @Test func malformedFileIsNeverOverwritten() throws {
    let folder = TemporaryFolder()
    let broken = "[alice]\ntoken_id = \"ak-1\ntoken_secret = \"as-1\"\n"
    let path = folder.write(broken)
    #expect(throws: ModalError.self) {
      try ConfigWriter(path: path).storeToken(profile: "alice", tokenID: "ak-2", tokenSecret: "as-2", serverURL: nil, activate: true)
    }
    #expect(folder.read() == broken)
  }

  @Test func noTemporaryFilesAreLeftBehind() throws {
    let folder = TemporaryFolder()
    let path = folder.write(commented)
    for index in 0..<20 {
      try ConfigWriter(path: path).storeToken(profile: "p\(index)", tokenID: "ak-\(index)", tokenSecret: "as-\(index)", serverURL: nil, activate: index.isMultiple(of: 3))
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(names == [".modal.toml", ".modal.toml.lock"])
    let file = try ConfigFile.load(from: path, fileSystem: LocalFileSystem())
    #expect(file.profileNames.count == 22)
    #expect(file.profiles.entries.filter { $0.value.tableValue?["active"] != nil }.count == 1)
  }

  @Test func concurrentWritersInOneProcessLoseNothing() async throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/.modal.toml"
    await withTaskGroup(of: Void.self) { group in
      for index in 0..<40 {
        group.addTask {
          _ = try? ConfigWriter(path: path).storeToken(profile: "p\(index)", tokenID: "ak-\(index)", tokenSecret: "as-\(index)", serverURL: nil, activate: false)
        }
      }
    }
    let file = try ConfigFile.load(from: path, fileSystem: LocalFileSystem())
    #expect(Set(file.profileNames) == Set((0..<40).map { "p\($0)" }))
  }
}
