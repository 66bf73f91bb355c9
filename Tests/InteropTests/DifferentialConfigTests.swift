import Foundation
import Synchronization
import TestSupport
import Testing

/// Runs generated configuration scenarios through the real Python `modal` 1.6.4 CLI and ours, and
/// requires the same output, except where a deliberate difference (docs/compatibility.md) applies.
@Suite(.serialized) struct DifferentialConfigTests {
  /// The commands compared in every scenario.
  static let commands = [["config", "show", "--no-redact"], ["profile", "current"]]

  struct Outcome: Equatable {
    var status: Int32
    var stdout: String
    var errorLine: String?
  }

  private func run(_ executable: String, _ arguments: [String], _ scenario: ConfigScenario, home: String, configPath: String) throws -> Outcome {
    var environment = ["PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "PYTHONWARNINGS": "ignore"]
    if scenario.viaConfigPath { environment["MODAL_CONFIG_PATH"] = configPath }
    environment.merge(scenario.variables) { $1 }
    let output = try ProcessRunner.run(executable, arguments, environment: environment)
    let errorLine = output.stderr.split(separator: "\n").first { $0.hasPrefix("Error: ") }.map(String.init)
    return Outcome(status: output.status, stdout: output.stdout, errorLine: errorLine)
  }

  private func compare(_ scenario: ConfigScenario, reference: String) throws -> [String] {
    let folder = TemporaryFolder()
    let home = folder.path
    let configPath = scenario.viaConfigPath ? home + "/custom/config.toml" : home + "/.modal.toml"
    if let file = scenario.file {
      try FileManager.default.createDirectory(atPath: home + "/custom", withIntermediateDirectories: true)
      try Data(file.utf8).write(to: URL(fileURLWithPath: configPath))
    }
    var referenceScenario = scenario
    if scenario.expectedDifference == .emptyVariable {
      // D2: our client treats an empty MODAL_* variable as unset, so it must match Python without it.
      referenceScenario.variables = scenario.variables.filter { !$0.value.isEmpty }
    }
    var problems: [String] = []
    for command in Self.commands {
      let ours = try run(ProcessRunner.product("modal"), command, scenario, home: home, configPath: configPath)
      let theirs = try run(reference, command, referenceScenario, home: home, configPath: configPath)
      if scenario.expectedDifference == .malformedFile {
        let positioned = ours.errorLine?.hasPrefix("Error: \(configPath):") == true
        if ours.status != 1 || !positioned || !ours.stdout.isEmpty {
          problems.append("\(command): malformed file must give `Error: \(configPath):LINE:COLUMN: …`, got \(ours)")
        }
        continue
      }
      if ours != theirs {
        problems.append("\(command):\n  ours:   \(ours)\n  python: \(theirs)")
      }
    }
    if let file = scenario.file {
      let after = try String(contentsOfFile: configPath, encoding: .utf8)
      if after != file { problems.append("the config file was changed") }
    }
    return problems
  }

  private func referenceExecutable() throws -> String {
    switch ReferenceClient.executable() {
    case .success(let path): return path
    case .failure(let missing): throw missing
    }
  }

  @Test func generatedScenariosMatchPython() throws {
    let reference = try referenceExecutable()
    var random = SeededGenerator(seed: 0x6d6f_6461_6c2d_7377)
    let scenarios = (0..<60).map { _ in ConfigScenario.generate(using: &random) }
    let failures = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: scenarios.count) { index in
      do {
        let problems = try compare(scenarios[index], reference: reference)
        if !problems.isEmpty {
          failures.withLock { $0.append("scenario \(index)\n\(scenarios[index])\n" + problems.joined(separator: "\n")) }
        }
      } catch {
        failures.withLock { $0.append("scenario \(index): \(error)") }
      }
    }
    let found = failures.withLock { $0 }
    #expect(found.isEmpty, "\(found.count) of \(scenarios.count) scenarios differ:\n\(found.prefix(5).joined(separator: "\n\n"))")
    #expect(scenarios.filter { $0.expectedDifference == nil }.count > 30, "most scenarios must compare exactly")
  }

  @Test(arguments: [
    ("no file", nil, [:]),
    ("implicit default", "[default]\ntoken_id = \"ak-d\"\ntoken_secret = \"as-d\"\n", [:]),
    ("single non-default, inactive", "[alice]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\n", [:]),
    ("two active", "[a]\nactive = true\n[b]\nactive = true\n", [:]),
    ("none active", "[a]\ntoken_id = \"ak-a\"\n[b]\ntoken_id = \"ak-b\"\n", [:]),
    ("ghost profile", "[a]\nactive = true\n", ["MODAL_PROFILE": "ghost"]),
    ("env id only", "[a]\nactive = true\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\n", ["MODAL_TOKEN_ID": "ak-env"]),
    ("invalid float from env", "", ["MODAL_LOGS_TIMEOUT": "abc"]),
    ("invalid choice", "", ["MODAL_BUILD_VALIDATION": "loud"]),
    ("unknown keys", "[a]\nactive = true\nsomething = [1, 2]\nnested = { x = 1 }\n", [:]),
    ("unicode", "[a]\nactive = true\nenvironment = \"café \\u0001 \\\"q\\\"\"\n", [:]),
    ("header overrides", "", ["MODAL_SERVER_URL": "http://localhost:1,http://localhost:2"]),
  ] as [(String, String?, [String: String])])
  func handPickedScenariosMatchPython(name: String, file: String?, variables: [String: String]) throws {
    let reference = try referenceExecutable()
    let scenario = ConfigScenario(file: file, viaConfigPath: true, variables: variables)
    let problems = try compare(scenario, reference: reference)
    #expect(problems.isEmpty, "\(name):\n\(problems.joined(separator: "\n"))")
  }
}
