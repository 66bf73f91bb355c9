import Foundation
import ModalServer
import Testing

/// A file system in memory: folders, files with their modes, and a record of what was created.
final class MemoryFileSystem: ServerFileSystem, @unchecked Sendable {
  private let lock = NSLock()
  private var folders: [String: Int] = [:]
  private var files: [String: (text: String, mode: Int)] = [:]

  init(folders: [String] = []) {
    for folder in folders { self.folders[folder] = 0o700 }
  }

  func put(_ path: String, _ text: String, mode: Int = 0o600) { lock.withLock { files[path] = (text, mode) } }
  func text(_ path: String) -> String? { lock.withLock { files[path]?.text } }
  func folderMode(_ path: String) -> Int? { lock.withLock { folders[path] } }

  func kind(of path: String) -> FileKind {
    lock.withLock { folders[path] != nil ? .directory : files[path] != nil ? .file : .missing }
  }

  func createDirectory(_ path: String, mode: Int) throws(FileSystemFailure) {
    lock.withLock { folders[path] = mode }
  }

  func readText(_ path: String) throws(FileSystemFailure) -> String {
    guard let text = text(path) else { throw FileSystemFailure("No such file") }
    return text
  }

  func permissions(of path: String) -> Int? { lock.withLock { files[path]?.mode } }

  func writeNew(_ path: String, contents: [UInt8]) throws(ServerError) {
    lock.lock()
    defer { lock.unlock() }
    guard files[path] == nil else { throw ServerError(.alreadyExists, "Could not create \(path): File exists.") }
    files[path] = (String(decoding: contents, as: UTF8.self), 0o600)
  }
}

@Suite struct DataFolderTests {
  let keyLine = "k1 " + String(repeating: "ab", count: 32) + "\n"

  @Test func serveAndBootstrapCreateTheFolderOtherCommandsRefuse() throws {
    let files = MemoryFileSystem()
    let folder = DataFolder(path: "/data", fileSystem: files)
    let refused = #expect(throws: ServerError.self) { try folder.prepare(.existing) }
    #expect(refused?.message == "The data folder /data does not exist; run `modal-server bootstrap` first.")
    #expect(files.kind(of: "/data") == .missing)
    try folder.prepare(.create)
    #expect(files.folderMode("/data") == 0o700)
    files.put("/file", "")
    let notFolder = #expect(throws: ServerError.self) { try DataFolder(path: "/file", fileSystem: files).prepare(.create) }
    #expect(notFolder?.message == "/file is not a folder.")
  }

  @Test func aMissingKeyFileIsCreatedOnlyWhereAllowed() throws {
    let files = MemoryFileSystem(folders: ["/data"])
    let folder = DataFolder(path: "/data", fileSystem: files)
    #expect(try folder.existingKeys(.create) == nil)
    let refused = #expect(throws: ServerError.self) { try folder.existingKeys(.existing) }
    #expect(refused?.message.hasPrefix("The server key file /data/server-keys is missing.") == true)
    let written = try folder.writeKeys(ServerKeys.generate())
    #expect(try folder.existingKeys(.existing)?.current.id == written.current.id)
  }

  @Test func anExistingKeyFileIsNeverOverwritten() throws {
    let files = MemoryFileSystem(folders: ["/data"])
    files.put("/data/server-keys", keyLine)
    let keys = try DataFolder(path: "/data", fileSystem: files).writeKeys(ServerKeys.generate())
    #expect(keys.current.id == "k1")
    #expect(files.text("/data/server-keys") == keyLine)
  }

  @Test func keyFileRulesAreChecked() throws {
    let files = MemoryFileSystem(folders: ["/data"])
    let folder = DataFolder(path: "/data", fileSystem: files)
    files.put("/data/server-keys", keyLine, mode: 0o644)
    let open = #expect(throws: ServerError.self) { try folder.existingKeys() }
    #expect(open?.message == "The server key file /data/server-keys is readable by other users; run `chmod 600 /data/server-keys`.")
    files.put("/data/server-keys", "# comment\nk1 abc\n")
    let malformed = #expect(throws: ServerError.self) { try folder.existingKeys() }
    #expect(malformed?.message.hasSuffix("is malformed at line 2: expected `<key id> <64 hex digits>`.") == true)
    files.put("/data/server-keys", "# nothing\n")
    let empty = #expect(throws: ServerError.self) { try folder.existingKeys() }
    #expect(empty?.message == "The server key file /data/server-keys holds no key.")
  }

  @Test func onlyCreatingCommandsMayStartWithoutADatabase() throws {
    let files = MemoryFileSystem(folders: ["/data"])
    let folder = DataFolder(path: "/data", fileSystem: files)
    try folder.requireDatabase(at: "/data/db", .create)
    let refused = #expect(throws: ServerError.self) { try folder.requireDatabase(at: "/data/db", .existing) }
    #expect(refused?.message == "There is no database /data/db; run `modal-server bootstrap` first (or pass --database).")
    files.put("/data/db", "")
    try folder.requireDatabase(at: "/data/db", .existing)
  }
}
