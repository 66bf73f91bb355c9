import Foundation
import Modal
import TOML
import TestSupport
import Testing

/// Several `modal` processes writing one config file at once, and writers killed mid-write.
@Suite(.serialized) struct ConcurrentWriteTests {
  private func environment(_ folder: TemporaryFolder) -> [String: String] {
    ["PATH": "/usr/bin:/bin", "HOME": folder.path, "MODAL_CONFIG_PATH": folder.path + "/shared/modal.toml"]
  }

  private func launch(_ arguments: [String], environment: [String: String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ProcessRunner.product("modal"))
    process.arguments = arguments
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return process
  }

  @Test func fiftyProcessesSettingTokensKeepAllFiftyProfiles() throws {
    let folder = TemporaryFolder()
    let environment = environment(folder)
    let processes = try (0..<50).map { index in
      try launch(
        ["token", "set", "--token-id", "ak-\(index)", "--token-secret", "as-secret-\(index)", "--profile", "p\(index)", "--no-verify"],
        environment: environment)
    }
    for process in processes { process.waitUntilExit() }
    #expect(processes.allSatisfy { $0.terminationStatus == 0 })
    let file = try ConfigFile.load(from: environment["MODAL_CONFIG_PATH"]!, fileSystem: LocalFileSystem())
    #expect(Set(file.profileNames) == Set((0..<50).map { "p\($0)" }))
    for index in 0..<50 {
      #expect(file.profile("p\(index)")?["token_secret"] == .string("as-secret-\(index)"))
    }
    #expect(file.profiles.entries.filter { $0.value.tableValue?["active"] != nil }.count == 1)
    let info = LocalFileSystem().fileInfo(atPath: environment["MODAL_CONFIG_PATH"]!)
    #expect(info?.permissions == 0o600)
  }

  @Test func writerKilledMidWriteLeavesTheOldOrTheNewFile() throws {
    let folder = TemporaryFolder()
    let environment = environment(folder)
    let path = environment["MODAL_CONFIG_PATH"]!
    // A large file makes each write take long enough to be interrupted at different points.
    var text = "# many profiles\n"
    for index in 0..<3000 { text += "[p\(index)]\ntoken_id = \"ak-\(index)\"\ntoken_secret = \"as-\(index)\"\n\n" }
    try FileManager.default.createDirectory(atPath: folder.path + "/shared", withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))

    var random = SeededGenerator(seed: 42)
    var sawOld = 0
    var sawNew = 0
    for round in 0..<25 {
      let before = try String(contentsOfFile: path, encoding: .utf8)
      let process = try launch(
        ["token", "set", "--token-id", "ak-new-\(round)", "--token-secret", "as-new-\(round)", "--profile", "p7", "--no-verify"],
        environment: environment)
      usleep(UInt32.random(in: 0..<40_000, using: &random))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      let after = try String(contentsOfFile: path, encoding: .utf8)
      let file = try ConfigFile.load(from: path, fileSystem: LocalFileSystem())
      #expect(file.profileNames.count == 3000)
      if after == before {
        sawOld += 1
      } else {
        #expect(file.profile("p7")?["token_id"] == .string("ak-new-\(round)"))
        sawNew += 1
      }
    }
    #expect(sawOld + sawNew == 25)
  }
}
