import CommandLineKit
import Foundation

/// The `modal-server` command line: parses argv, runs one command, returns the exit status
/// (0 success, 1 error, 2 usage error). Errors print `Error: …` on standard error.
public enum ServerCommandLine {
  /// Writes command output; replaceable in tests.
  public struct Output: Sendable {
    /// Writes to standard output.
    public var out: @Sendable (String) -> Void
    /// Writes to standard error.
    public var err: @Sendable (String) -> Void

    /// Creates an output.
    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
      self.out = out
      self.err = err
    }

    /// The process's standard output and error.
    public static let standard = Output(
      out: { FileHandle.standardOutput.write(Data($0.utf8)) }, err: { FileHandle.standardError.write(Data($0.utf8)) })
  }

  static let usage = """
    Usage: modal-server <command> [options]

    A self-hostable, Modal-API-compatible identity and token service.

    Commands:
      serve            Serve the gRPC API and the web dashboard
      bootstrap        Create the first user, workspace and token
      token create     Create an API token
      token revoke     Revoke an API token
      flow approve     Approve a pending `modal token new` login flow
      member           List, add, change the role of, or remove workspace members
      service-user     List, create or delete service users
      backup           Copy the SQLite database and the key file, also while serving
      restore          Restore a backup into a new data folder

      audit export     Print the audit log (JSON lines for a SIEM with --json)
      federation       Trust CI OIDC tokens: add, list or remove federation policies

    Run `modal-server <command> --help` for the options of a command.

    """

  /// Runs the command line `arguments` (without the program name).
  public static func run(_ arguments: [String], output: Output = .standard) async -> Int32 {
    let root = CommandTree.root
    do {
      // A configuration file only supplies options, so it is read before parsing and parsed with them.
      let words = arguments.first == ServeCommand.command.name ? try ServeConfigFile.expand(arguments, options: ServeCommand.command.options) : arguments
      switch try CommandParser(root: root, rules: CommandTree.rules).parse(words) {
      case .help(let command, let path):
        output.out(command.helpText ?? HelpFormatter.help(command, path: path))
        return 0
      case .completionScript(let shell):
        output.out(CompletionScript.make(shell, for: root))
        return 0
      case .run(let command, let values):
        guard let action = command.action else { throw UsageError("Missing command.", commandPath: values.commandPath) }
        return try await action(ServerInvocation(values: values, output: output))
      }
    } catch let error as UsageError {
      let command = root.command(at: error.commandPath) ?? root
      output.err("Error: \(error.message)\n\n\(command.helpText ?? usage)")
      return 2
    } catch let error as CommandUsageError {
      output.err("Error: \(error.message)\n\n\(error.usage)")
      return 2
    } catch let error as ServerError {
      output.err("Error: \(error.message)\n")
      return 1
    } catch {
      output.err("Error: \(error)\n")
      return 1
    }
  }

  /// The environment variable read when `--database` is not given (keeps a password off the command line).
  static let databaseVariable = "MODAL_SERVER_DATABASE_URL"

  /// `--database`, else `$MODAL_SERVER_DATABASE_URL`, else `nil` (the SQLite file in the data folder).
  static func database(_ option: String?) -> String? {
    option ?? ProcessInfo.processInfo.environment[databaseVariable]
  }

  /// Opens the store `--database` names and the data folder's keys, by the rules of `DataFolder`:
  /// `create` for `serve` and `bootstrap`, everything must exist for the other commands.
  static func open(
    dataDirectory: String, database: String? = nil, create: Bool, serving: Bool = false, poolSize: Int = 8,
    log: @escaping @Sendable (String) -> Void = { _ in }
  ) async throws -> DataFolder.Opened {
    try await DataFolder(path: dataDirectory).open(
      database: self.database(database), create ? .create : .existing, serving: serving, poolSize: poolSize, log: log)
  }

  /// A JSON object as one line, keys sorted.
  static func json(_ object: [String: Any]) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}

/// A usage mistake found after parsing (options that go together, a missing `--role`), with the
/// usage text of the command it belongs to.
struct CommandUsageError: Error {
  /// What is wrong.
  let message: String
  /// The usage text printed after it.
  let usage: String
}
