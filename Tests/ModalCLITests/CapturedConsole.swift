import ModalCLI
import TestSupport
import Synchronization

/// A console that records what commands print and answers reads from scripted input.
final class CapturedConsole: Console {
  private struct State {
    var stdout = ""
    var stderr = ""
    var lines: [String]
    var secrets: [String?]
    var prompts: [String] = []
  }

  private let state: Mutex<State>
  let isInputTerminal: Bool
  let isOutputTerminal = false

  init(lines: [String] = [], secrets: [String?] = [], terminal: Bool = false) {
    state = Mutex(State(lines: lines, secrets: secrets))
    isInputTerminal = terminal
  }

  var stdout: String { state.withLock { $0.stdout } }
  var stderr: String { state.withLock { $0.stderr } }
  var prompts: [String] { state.withLock { $0.prompts } }

  func write(_ text: String) { state.withLock { $0.stdout += text } }
  func writeError(_ text: String) { state.withLock { $0.stderr += text } }

  func readLine() -> String? {
    state.withLock { $0.lines.isEmpty ? nil : $0.lines.removeFirst() }
  }

  func readSecret(prompt: String) -> String? {
    state.withLock {
      $0.prompts.append(prompt)
      return $0.secrets.isEmpty ? nil : $0.secrets.removeFirst()
    }
  }
}

/// Runs the command line in-process against a temporary home folder.
struct CLIHarness {
  let folder = TemporaryFolderBox()
  var variables: [String: String] = [:]

  @discardableResult
  func run(_ arguments: [String], console: CapturedConsole = CapturedConsole()) async -> (code: Int32, out: String, err: String) {
    let cli = ModalCommandLine(host: folder.value.host(variables), console: console)
    let code = await cli.run(arguments)
    return (code, console.stdout, console.stderr)
  }
}

/// Keeps a temporary folder alive for the lifetime of a harness.
struct TemporaryFolderBox {
  let value = TemporaryFolder()
}
