import Modal

/// The `modal` command line as a library: parse the arguments, run the command, return the exit code.
///
/// Exit codes: 0 success, 1 an error (printed as `Error: …` on standard error), 2 a usage mistake.
public struct ModalCommandLine: Sendable {
  /// The command tree.
  public let root: CommandSpec
  /// Variables, home folder and files.
  public let host: HostEnvironment
  /// Standard streams and terminal.
  public let console: any Console

  /// Creates the command line with the process's world by default.
  public init(host: HostEnvironment = .current, console: any Console = StandardConsole()) {
    self.root = RootCommand.make()
    self.host = host
    self.console = console
  }

  /// Runs the command named by `arguments` (without the program name) and returns the exit code.
  public func run(_ arguments: [String]) async -> Int32 {
    let parsed: ParseResult
    do {
      parsed = try ArgumentParser(root: root).parse(arguments)
    } catch {
      report(error)
      return 2
    }
    switch parsed {
    case .help(let command, let path):
      console.write(HelpFormatter.help(command, path: path))
      return 0
    case .run(let command, let path, let values, let flags, let words, let profile):
      let invocation = Invocation(
        commandPath: path, values: values, flags: flags, arguments: words, profile: profile, host: host,
        console: console)
      do {
        return try await command.action!(invocation)
      } catch let error as UsageError {
        report(error)
        return 2
      } catch let error as ModalError {
        console.writeError("Error: \(error.description)\n")
        return 1
      } catch {
        console.writeError("Error: \(error)\n")
        return 1
      }
    }
  }

  private func report(_ error: UsageError) {
    var command = root
    for word in error.commandPath.dropFirst() { command = command.subcommand(named: word) ?? command }
    let path = error.commandPath.joined(separator: " ")
    console.writeError(
      HelpFormatter.usage(command, path: error.commandPath) + "\nTry '\(path) --help' for help.\n\nError: \(error.message)\n")
  }
}
