import TestSupport
import Testing

@Suite struct CompletionScriptTests {
  /// Sources `modal`'s bash script in bash with COMP_WORDS/COMP_CWORD set and returns COMPREPLY.
  private func complete(_ words: [String]) async throws -> [String] {
    let script = await CLIHarness().run(["--generate-completion-script", "bash"])
    #expect(script.code == 0)
    let quoted = words.map { "'\($0)'" }.joined(separator: " ")
    let program = script.out + "\nCOMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _modal; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    let output = try ProcessRunner.run("/bin/bash", ["--norc", "-c", program], environment: [:])
    return output.stdout.split(separator: "\n").map(String.init)
  }

  @Test func bashCompletesModalCommandsAndOptions() async throws {
    #expect(try await complete(["modal", ""]) == ["config", "doctor", "environment", "profile", "secret", "setup", "token", "workspace", "--profile", "--help"])
    #expect(try await complete(["modal", "token", "r"]) == ["revoke", "rotate"])
    #expect(try await complete(["modal", "token", "new", "--no-"]) == ["--no-activate", "--no-verify"])
    #expect(try await complete(["modal", "secret", "delete", "-"]) == ["--env", "-e", "--allow-missing", "--yes", "-y", "--profile", "--help"])
    #expect(try await !complete(["modal", "token", "new", "--s"]).contains("--source"))
  }

  @Test func scriptsAreHiddenFromHelpAndCheckTheShell() async {
    let help = await CLIHarness().run(["--help"])
    #expect(!help.out.contains("completion"))
    let wrong = await CLIHarness().run(["--generate-completion-script", "tcsh"])
    #expect(wrong.code == 2)
    #expect(wrong.err.hasSuffix("Error: Invalid value for '--generate-completion-script': 'tcsh' is not one of 'bash', 'zsh', 'fish'.\n"))
    for shell in ["zsh", "fish"] {
      let script = await CLIHarness().run(["--generate-completion-script", shell])
      #expect(script.code == 0 && script.out.contains("modal"))
    }
  }
}
