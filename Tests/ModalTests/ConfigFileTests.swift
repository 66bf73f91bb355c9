import Foundation
import Modal
import TOML
import TestSupport
import Testing

@Suite struct ConfigFileTests {
  @Test func pathIsModalConfigPathWhenSetAndNotEmpty() {
    let host = HostEnvironment(variables: ["MODAL_CONFIG_PATH": "/custom/path/to/config.toml"], homeDirectory: "/home/u")
    #expect(ConfigFile.path(in: host) == "/custom/path/to/config.toml")
  }

  @Test func pathFallsBackToHomeWhenUnsetOrEmpty() {
    #expect(ConfigFile.path(in: HostEnvironment(variables: [:], homeDirectory: "/home/u")) == "/home/u/.modal.toml")
    #expect(ConfigFile.path(in: HostEnvironment(variables: ["MODAL_CONFIG_PATH": ""], homeDirectory: "/home/u/")) == "/home/u/.modal.toml")
  }

  @Test func missingFileHasNoProfiles() throws {
    let folder = TemporaryFolder()
    let file = try ConfigFile.load(from: folder.path + "/nope.toml", fileSystem: LocalFileSystem())
    #expect(!file.exists)
    #expect(file.profileNames.isEmpty)
  }

  @Test func profilesKeepFileOrder() throws {
    let folder = TemporaryFolder()
    let path = folder.write("[zeta]\ntoken_id = \"ak-1\"\n\n[alpha]\nactive = true\n")
    let file = try ConfigFile.load(from: path, fileSystem: LocalFileSystem())
    #expect(file.profileNames == ["zeta", "alpha"])
  }

  @Test(arguments: [
    ("[a]\ntoken_id = \"ak-1\"\ntoken_secret = \n", 3, "missing value after '=' for key 'token_secret'"),
    ("[a]\nactive = true\n[a]\n", 3, "table [a] is defined twice (first at line 1)"),
    ("x = 1\n", 1, "must hold only profile tables"),
    ("[a]\nactive = \"yes\"\n", 2, "must be true or false"),
    ("[a]\ntoken_id = 5\n", 2, "must be a string"),
    ("\n\n[b]\nserver_url = [\"http://x\"]\n", 4, "must be a string"),
  ])
  func malformedFileNamesPathLineAndColumn(text: String, line: Int, fragment: String) throws {
    let folder = TemporaryFolder()
    let path = folder.write(text)
    let error = #expect(throws: ModalError.self) { try ConfigFile.load(from: path, fileSystem: LocalFileSystem()) }
    #expect(error?.code == .invalidConfig)
    #expect(error?.message.hasPrefix("\(path):\(line):") == true, "\(error?.message ?? "")")
    #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    #expect(error?.remedy?.contains("was not changed") == true)
  }

  @Test func folderAtConfigPathIsAClearError() throws {
    let folder = TemporaryFolder()
    try FileManager.default.createDirectory(atPath: folder.path + "/dir.toml", withIntermediateDirectories: true)
    let error = #expect(throws: ModalError.self) { try ConfigFile.load(from: folder.path + "/dir.toml", fileSystem: LocalFileSystem()) }
    #expect(error?.message.contains("it is a folder, not a file") == true)
  }

  @Test func invalidUTF8IsReportedWithPosition() throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/bad.toml"
    try Data([0x5B, 0x61, 0x5D, 0x0A, 0x78, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0xFE, 0x22, 0x0A]).write(to: URL(fileURLWithPath: path))
    let error = #expect(throws: ModalError.self) { try ConfigFile.load(from: path, fileSystem: LocalFileSystem()) }
    #expect(error?.message.hasPrefix("\(path):2:") == true, "\(error?.message ?? "")")
  }

  @Test func hugeFileIsRefusedWithoutReadingIt() throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/huge.toml"
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: 100 * 1024 * 1024)
    try handle.close()
    let error = #expect(throws: ModalError.self) { try ConfigFile.load(from: path, fileSystem: LocalFileSystem()) }
    #expect(error?.message.contains("100 MiB") == true, "\(error?.message ?? "")")
    #expect(error?.message.contains("4 MiB") == true)
  }

  @Test func permissionDeniedNamesChmodAndChownWithTheQuotedPath() throws {
    let error = #expect(throws: ModalError.self) {
      try ConfigFile.load(from: "/x/we ird/.modal.toml", fileSystem: DenyingFileSystem(reason: .permissionDenied(operation: "open it")))
    }
    #expect(error?.message == "Cannot read the Modal config file /x/we ird/.modal.toml: cannot open it: Permission denied.")
    #expect(error?.remedy?.contains("chmod 600 '/x/we ird/.modal.toml'") == true, "\(error?.remedy ?? "")")
    #expect(error?.remedy?.contains("chown") == true)
  }

  @Test func unreadableFileSaysWhy() throws {
    let error = #expect(throws: ModalError.self) { try ConfigFile.load(from: "/x/.modal.toml", fileSystem: DenyingFileSystem()) }
    #expect(error?.description.contains("/x/.modal.toml: cannot open it: Permission denied") == true)
    #expect(error?.remedy?.contains("ls -l /x/.modal.toml") == true)
  }
}

/// A file system whose reads fail with one reason.
private struct DenyingFileSystem: FileSystem {
  var reason = FileSystemError.Reason.system(operation: "open it", explanation: "Permission denied")
  func readFile(atPath path: String, maxBytes: Int) throws(FileSystemError) -> [UInt8]? {
    throw FileSystemError(path: path, reason: reason)
  }
  func fileInfo(atPath path: String) -> FileInfo? { nil }
  func replaceFile(atPath path: String, with contents: [UInt8], mode: UInt32) throws(FileSystemError) {}
  func withExclusiveLock<T>(forPath path: String, _ body: () throws(ModalError) -> T) throws(ModalError) -> T { try body() }
}
