import Foundation
import Modal
import TestSupport
import Testing

/// Config paths that are not plain files: symbolic links (dotfile managers), `/dev/null`, FIFOs,
/// folders and paths ending with `/`.
@Suite struct ConfigPathKindTests {
  private let profile = "[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n"

  @Test func writingThroughALinkChainChangesTheTargetAndKeepsTheLinks() throws {
    let folder = TemporaryFolder()
    let target = folder.write(profile, to: "real.toml")
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/link.toml", withDestinationPath: "real.toml")
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/.modal.toml", withDestinationPath: folder.path + "/link.toml")
    try ConfigWriter(path: folder.path + "/.modal.toml").activateProfile("a")
    try ConfigWriter(path: folder.path + "/.modal.toml").storeToken(
      profile: "b", tokenID: "ak-2", tokenSecret: "as-2", serverURL: nil, activate: false)
    let manager = FileManager.default
    #expect(try manager.destinationOfSymbolicLink(atPath: folder.path + "/.modal.toml") == folder.path + "/link.toml")
    #expect(try manager.destinationOfSymbolicLink(atPath: folder.path + "/link.toml") == "real.toml")
    #expect(folder.read("real.toml") == profile + "\n[b]\ntoken_id = \"ak-2\"\ntoken_secret = \"as-2\"\n")
    #expect(LocalFileSystem().fileInfo(atPath: target)?.permissions == 0o600)
    let names = try manager.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
    #expect(names.isEmpty)
  }

  @Test func writingThroughADanglingLinkCreatesItsTarget() throws {
    let folder = TemporaryFolder()
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/.modal.toml", withDestinationPath: "dotfiles/modal.toml")
    try ConfigWriter(path: folder.path + "/.modal.toml").storeToken(
      profile: "a", tokenID: "ak-1", tokenSecret: "as-1", serverURL: nil, activate: true)
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.path + "/.modal.toml") == "dotfiles/modal.toml")
    #expect(folder.read("dotfiles/modal.toml") == profile)
  }

  @Test func devNullReadsAsAnEmptyConfigAndRefusesWrites() throws {
    let file = try ConfigFile.load(from: "/dev/null", fileSystem: LocalFileSystem())
    #expect(file.profileNames.isEmpty)
    let error = #expect(throws: ModalError.self) {
      try ConfigWriter(path: "/dev/null").storeToken(profile: "a", tokenID: "ak-1", tokenSecret: "as-1", serverURL: nil, activate: true)
    }
    #expect(error?.message == "Cannot write the Modal config file /dev/null: it is a device, not a file, so nothing can be stored there.")
    #expect(error?.remedy?.contains("Point MODAL_CONFIG_PATH at a regular file") == true)
    #expect(!FileManager.default.fileExists(atPath: "/dev/null.lock"))
    #expect(LocalFileSystem().fileInfo(atPath: "/dev/null")?.kind == .device)
  }

  @Test func aFIFOIsRefusedWithoutBlocking() async throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/fifo.toml"
    #expect(mkfifo(path, 0o600) == 0)
    let (read, readBlocked) = await Self.blocks(onFIFO: path) { () throws(ModalError) in
      _ = try ConfigFile.load(from: path, fileSystem: LocalFileSystem())
    }
    #expect(!readBlocked)
    #expect(read?.message == "Cannot read the Modal config file \(path): it is a FIFO (named pipe), not a file.")
    let (write, writeBlocked) = await Self.blocks(onFIFO: path) { () throws(ModalError) in
      try ConfigWriter(path: path).activateProfile("a")
    }
    #expect(!writeBlocked)
    #expect(write?.message.contains("it is a FIFO (named pipe), not a file") == true)
    #expect(LocalFileSystem().fileInfo(atPath: path)?.kind == .fifo)
  }

  /// Runs `body` on its own thread; returns what it threw and whether it waited in `open` for a
  /// writer of the FIFO. A writer is offered every 50 ms: opening the FIFO for writing without
  /// blocking succeeds only while a reader waits, which releases that reader (so a regression
  /// fails this test instead of hanging it) and proves it blocked, however slow the machine.
  private static func blocks(
    onFIFO path: String, _ body: @escaping @Sendable () throws(ModalError) -> Void
  ) async -> (error: ModalError?, blocked: Bool) {
    let work = Task.detached { () -> ModalError? in
      do throws(ModalError) {
        try body()
        return nil
      } catch {
        return error
      }
    }
    let release = Task.detached { () -> Bool in
      var released = false
      while !Task.isCancelled {
        let writer = open(path, O_WRONLY | O_NONBLOCK)
        if writer >= 0 {
          released = true
          close(writer)
        }
        try? await Task.sleep(for: .milliseconds(50))
      }
      return released
    }
    let error = await work.value
    release.cancel()
    return (error, await release.value)
  }

  @Test func aFolderIsNeverAdvisedToBeRemoved() throws {
    let folder = TemporaryFolder()
    let error = #expect(throws: ModalError.self) { try ConfigFile.load(from: folder.path + "/", fileSystem: LocalFileSystem()) }
    #expect(error?.message == "Cannot read the Modal config file \(folder.path)/: it is a folder, not a file.")
    #expect(error?.remedy == "Point MODAL_CONFIG_PATH at a regular file (a .toml file), or unset it to use ~/.modal.toml.")
    #expect(error?.description.contains("remove") == false)
  }

  @Test func aPathEndingWithASlashIsRefusedBeforeAnythingIsCreated() throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/missing/nonexist/"
    let error = #expect(throws: ModalError.self) {
      try ConfigWriter(path: path).storeToken(profile: "a", tokenID: "ak-1", tokenSecret: "as-1", serverURL: nil, activate: true)
    }
    #expect(error?.message == "Cannot write the Modal config file \(path): a path ending with / names a folder, not a file.")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }
}
