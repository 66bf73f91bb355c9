import Testing
import TestSupport

@Suite struct ServerCompletionScriptTests {
  /// Sources `modal-server`'s bash script with COMP_WORDS/COMP_CWORD set and returns COMPREPLY.
  private func complete(_ words: [String]) throws -> [String] {
    let script = try runServerCommand(["--generate-completion-script", "bash"])
    #expect(script.status == 0)
    let quoted = words.map { "'\($0)'" }.joined(separator: " ")
    let program = script.stdout + "\nCOMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _modal_server; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    return try ProcessRunner.run("/bin/bash", ["--norc", "-c", program], environment: [:]).stdout
      .split(separator: "\n").map(String.init)
  }

  @Test func bashCompletesServerCommandsAndOptions() throws {
    #expect(try complete(["modal-server", ""]) == ["serve", "bootstrap", "token", "flow", "member", "service-user", "backup", "restore", "audit", "federation", "--help"])
    #expect(try complete(["modal-server", "member", "s"]) == ["set-role"])
    #expect(try complete(["modal-server", "serve", "--tls"]) == ["--tls-cert", "--tls-key"])
  }

  @Test func zshAndFishScriptsAreMadeAndHidden() throws {
    for shell in ["zsh", "fish"] {
      let script = try runServerCommand(["--generate-completion-script", shell])
      #expect(script.status == 0 && script.stdout.contains("modal-server"))
    }
    #expect(try !runServerCommand(["--help"]).stdout.contains("completion"))
  }
}
