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

    Run `modal-server <command> --help` for the options of a command.

    """

  /// Runs the command line `arguments` (without the program name).
  public static func run(_ arguments: [String], output: Output = .standard) async -> Int32 {
    let command = arguments.first ?? ""
    let rest = Array(arguments.dropFirst())
    let result: Result<Void, any Error>
    do {
      switch command {
      case "serve": try await ServeCommand.run(rest, output: output)
      case "bootstrap": try await BootstrapCommand.run(rest, output: output)
      case "token":
        switch rest.first {
        case "create": try await TokenCommands.create(Array(rest.dropFirst()), output: output)
        case "revoke": try await TokenCommands.revoke(Array(rest.dropFirst()), output: output)
        case "--help", "-h": output.out(TokenCommands.usage)
        default: throw CommandUsageError(UsageError("Unknown token command '\(rest.first ?? "")'."), usage: TokenCommands.usage)
        }
      case "flow":
        switch rest.first {
        case "approve": try await FlowCommands.approve(Array(rest.dropFirst()), output: output)
        case "--help", "-h": output.out(FlowCommands.usage)
        default: throw CommandUsageError(UsageError("Unknown flow command '\(rest.first ?? "")'."), usage: FlowCommands.usage)
        }
      case "member", "service-user": try await MemberCommands.run(command, rest, output: output)
      case "--help", "-h", "help": output.out(usage)
      case "": throw CommandUsageError(UsageError("Missing command."), usage: usage)
      default: throw CommandUsageError(UsageError("Unknown command '\(command)'."), usage: usage)
      }
      result = .success(())
    } catch {
      result = .failure(error)
    }
    switch result {
    case .success: return 0
    case .failure(let error as CommandUsageError):
      output.err("Error: \(error.error.message)\n\n\(error.usage)")
      return 2
    case .failure(let error as ServerError):
      output.err("Error: \(error.message)\n")
      return 1
    case .failure(let error):
      output.err("Error: \(error)\n")
      return 1
    }
  }

  /// Parses a command's arguments, printing its help (and stopping) for `--help`.
  static func parse(_ arguments: [String], spec: CommandSpec, usage: String, output: Output) throws -> ParsedArguments? {
    do {
      let parsed = try ParsedArguments.parse(arguments, spec: spec)
      if parsed.wantsHelp {
        output.out(usage)
        return nil
      }
      return parsed
    } catch {
      throw CommandUsageError(error, usage: usage)
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

/// A usage error with the usage text of the command it belongs to.
struct CommandUsageError: Error {
  let error: UsageError
  let usage: String

  init(_ error: UsageError, usage: String) {
    self.error = error
    self.usage = usage
  }
}
