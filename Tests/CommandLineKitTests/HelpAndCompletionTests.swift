import CommandLineKit
import Foundation
import Testing

@Suite struct HelpTests {
  @Test func generatedHelp() throws {
    let help = HelpFormatter.help(Fixture.serve, path: ["tool", "serve"], globalOptions: Fixture.root.globalOptions)
    #expect(
      help == """
        Usage: tool serve [OPTIONS]

          Serve things.

          Runs until stopped.

        Options:
          --data-dir DIR          The data folder.
          -p, --port N            Port to listen on.
          --name TEXT             A label.
          --json                  Print JSON.
          --verify / --no-verify  Check it first.
          --profile TEXT          Use this profile.
          --help                  Show this message and exit.

        """)
  }

  @Test func usageLinesAndCommandList() {
    #expect(HelpFormatter.usage(Fixture.add, path: ["tool", "user", "add"]) == "Usage: tool user add [OPTIONS] EMAIL [ROLE] [TAGS...]")
    let root = HelpFormatter.help(Fixture.root, path: ["tool"])
    #expect(root.hasPrefix("Usage: tool [OPTIONS] COMMAND [ARGS]...\n"))
    #expect(root.hasSuffix("Commands:\n  serve  Serve things.\n  user   Manage users.\n"))
    #expect(!root.contains("secret"))
  }

  @Test func handWrittenHelpWins() {
    var command = Fixture.list
    command.helpText = "Usage: by hand\n"
    #expect(HelpFormatter.help(command, path: ["tool", "user", "list"]) == "Usage: by hand\n")
  }
}

@Suite struct CompletionTests {
  @Test func requestIsParsed() throws {
    let parser = CommandParser(root: Fixture.root)
    guard case .completionScript(let shell) = try parser.parse(["--generate-completion-script", "fish"]) else {
      Issue.record("no script")
      return
    }
    #expect(shell == .fish)
    #expect(throws: UsageError.self) { try parser.parse(["--generate-completion-script", "tcsh"]) }
    #expect(throws: UsageError.self) { try parser.parse(["--generate-completion-script"]) }
  }

  /// Sources the bash script in a real bash, sets COMP_WORDS/COMP_CWORD and prints COMPREPLY.
  private func bashCompletes(_ words: [String]) throws -> [String] {
    let script = CompletionScript.make(.bash, for: Fixture.root)
    let quoted = words.map { "'\($0)'" }.joined(separator: " ")
    let program = script + "\nCOMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _tool; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["--norc", "-c", program]
    process.currentDirectoryURL = URL(fileURLWithPath: "/")
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
  }

  @Test func bashCompletesSubcommandsAndOptions() throws {
    #expect(try bashCompletes(["tool", ""]) == ["serve", "user", "--profile", "--help"])
    #expect(try bashCompletes(["tool", "us"]) == ["user"])
    #expect(try bashCompletes(["tool", "user", ""]) == ["add", "list", "--profile", "--help"])
    #expect(try bashCompletes(["tool", "--profile", "p", "serve", "--p"]) == ["--port", "--profile"])
    #expect(try bashCompletes(["tool", "serve", "--no"]) == ["--no-verify"])
    #expect(try bashCompletes(["tool", "serve", "--data-dir", "et"]) == ["etc"])
    #expect(try !bashCompletes(["tool", "serve", "--s"]).contains("--source"))
  }

  private func run(_ shell: String, _ arguments: [String], script: String) throws -> Int32 {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("completion-\(UUID().uuidString)")
    try script.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: shell)
    process.arguments = arguments + [file.path]
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zsh"), "needs zsh"))
  func zshScriptParses() throws {
    let script = CompletionScript.make(.zsh, for: Fixture.root)
    #expect(script.hasPrefix("#compdef tool\n"))
    #expect(script.contains("'serve:Serve things.'"))
    #expect(try run("/usr/bin/zsh", ["-n"], script: script) == 0)
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/fish"), "needs fish"))
  func fishScriptParses() throws {
    let script = CompletionScript.make(.fish, for: Fixture.root)
    #expect(script.contains("-a 'add' -d 'Add a user.'"))
    #expect(script.contains("-l 'data-dir' -r -F -d 'The data folder.'"))
    #expect(!script.contains("secret"))
    #expect(try run("/usr/bin/fish", ["--no-execute"], script: script) == 0)
  }
}
