import CommandLineKit
import Modal

/// The `modal` command line as a library: parse the arguments, run the command, return the exit code.
///
/// Exit codes: 0 success, 1 an error (printed as `Error: …` on standard error), 2 a usage mistake.
package struct ModalCommandLine: Sendable {
  /// The command tree.
  let root: CommandSpec
  /// Variables, home folder and files.
  package let host: HostEnvironment
  /// Standard streams and terminal.
  package let console: any Console

  /// Creates the command line with the process's world by default.
  package init(host: HostEnvironment = .current, console: any Console = StandardConsole()) {
    self.root = RootCommand.make()
    self.host = host
    self.console = console
  }

  /// Runs the command named by `arguments` (without the program name) and returns the exit code.
  package func run(_ arguments: [String]) async -> Int32 {
    let parsed: ParseResult<Invocation>
    do {
      parsed = try CommandParser(root: root).parse(arguments)
    } catch {
      report(error)
      return 2
    }
    switch parsed {
    case .help(let command, let path):
      console.write(HelpFormatter.help(command, path: path, globalOptions: root.globalOptions))
      return 0
    case .completionScript(let shell):
      console.write(CompletionScript.make(shell, for: root))
      return 0
    case .run(let command, let values):
      guard let action = command.action else {
        console.write(HelpFormatter.help(command, path: values.commandPath, globalOptions: root.globalOptions))
        return 0
      }
      do {
        return try await action(Invocation(values: values, host: host, console: console))
      } catch let error as UsageError {
        report(error)
        return 2
      } catch let error as ModalError {
        console.writeError("Error: \(SecretRedaction.maskTokenSecrets(error.description))\n")
        return 1
      } catch {
        console.writeError("Error: \(SecretRedaction.maskTokenSecrets("\(error)"))\n")
        return 1
      }
    }
  }

  /// Prints a usage mistake as click does: the usage line, a hint, then the error.
  private func report(_ error: UsageError) {
    let command = root.command(at: error.commandPath) ?? root
    let path = error.commandPath.joined(separator: " ")
    console.writeError(
      HelpFormatter.usage(command, path: error.commandPath) + "\nTry '\(path) --help' for help.\n\nError: \(error.message)\n")
  }
}
