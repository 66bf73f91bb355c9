import Foundation
import Modal
import ModalCLI
import TestSupport
import Testing

/// `.modal-profile` through the `modal` command: `profile current --why`, and two projects used at
/// once by many processes, none disturbing another and none rewriting the config file.
@Suite struct ProjectProfileTests {
  private static let config = "[alpha]\ntoken_id = \"ak-a\"\n[beta]\ntoken_id = \"ak-b\"\n[gamma]\ntoken_id = \"ak-g\"\nactive = true\n"

  @Test func currentWhySaysWhereTheChoiceCameFrom() async throws {
    let folder = TemporaryFolder()
    let configPath = folder.write(Self.config)
    try FileManager.default.createDirectory(atPath: folder.path + "/proj/sub", withIntermediateDirectories: true)
    let pin = folder.write("beta\n", to: "proj/.modal-profile")
    func run(_ arguments: [String], in directory: String, _ variables: [String: String] = [:]) async -> (Int32, String, String) {
      var host = folder.host(variables)
      host.workingDirectory = directory
      let console = CapturedConsole()
      let code = await ModalCommandLine(host: host, console: console).run(arguments)
      return (code, console.stdout, console.stderr)
    }
    let project = folder.path + "/proj/sub"
    #expect(await run(["profile", "current", "--why"], in: project).1 == "beta\nnamed by \(pin)\n")
    #expect(await run(["profile", "current"], in: project).1 == "beta\n")
    #expect(await run(["profile", "current", "--why"], in: project, ["MODAL_PROFILE": "alpha"]).1 == "alpha\nnamed by MODAL_PROFILE\n")
    #expect(await run(["profile", "current", "--why", "--profile", "alpha"], in: project).1 == "alpha\nnamed with --profile\n")
    #expect(await run(["profile", "current", "--why"], in: folder.path).1 == "gamma\nmarked active = true in the config file (\(configPath))\n")
    folder.write("[gamma]\n", to: ".modal.toml")
    #expect(await run(["profile", "current", "--why"], in: folder.path).1 == "default\nno profile is active, so 'default' is used\n")
    // A pinned profile that does not exist: the error says which file named it.
    folder.write("ghost\n", to: "proj/.modal-profile")
    let (code, _, err) = await run(["token", "info"], in: project)
    #expect(code == 1 && err.contains("Modal profile 'ghost' (named by \(pin)) was not found"), "\(err)")
    // A refused file is an error of every command that reads the profile, naming the file.
    folder.write("token_secret = \"as-x\"\n", to: "proj/.modal-profile")
    let refused = await run(["profile", "current"], in: project)
    #expect(refused.0 == 1 && refused.2.contains("\(pin) holds a `key = value` setting"), "\(refused.2)")
    #expect(!refused.2.contains("as-x"))
  }

  /// Two projects pinned to different profiles, 16 processes in each at once: each process sees
  /// its own project's profile, and the shared config file is never written.
  @Test func processesInTwoProjectsAtOnceNeverDisturbEachOther() throws {
    let folder = TemporaryFolder()
    let configPath = folder.write(Self.config)
    let before = try FileManager.default.attributesOfItem(atPath: configPath)[.modificationDate] as? Date
    for (project, profile) in [("a/deep", "alpha"), ("b", "beta")] {
      try FileManager.default.createDirectory(atPath: folder.path + "/" + project, withIntermediateDirectories: true)
      folder.write(profile + "\n", to: String(project.prefix(1)) + "/.modal-profile")
    }
    let environment = ["PATH": "/usr/bin:/bin", "HOME": folder.path]
    var processes: [(Process, Pipe, String)] = []
    for index in 0..<32 {
      let (directory, expected) = index.isMultiple(of: 2) ? ("a/deep", "alpha") : ("b", "beta")
      let process = Process()
      process.executableURL = URL(fileURLWithPath: ProcessRunner.product("modal"))
      process.arguments = ["profile", "current", "--why"]
      process.environment = environment
      process.currentDirectoryURL = URL(fileURLWithPath: folder.path + "/" + directory)
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = FileHandle.nullDevice
      try process.run()
      processes.append((process, pipe, expected))
    }
    for (process, pipe, expected) in processes {
      let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
      #expect(output.hasPrefix(expected + "\nnamed by " + folder.path), "\(output)")
    }
    #expect(folder.read() == Self.config)
    #expect(try FileManager.default.attributesOfItem(atPath: configPath)[.modificationDate] as? Date == before)
  }
}
