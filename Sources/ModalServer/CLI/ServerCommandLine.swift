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

    Run `modal-server <command> --help` for the options of a command.

    """

  /// Runs the command line `arguments` (without the program name).
  public static func run(_ arguments: [String], output: Output = .standard) async -> Int32 {
    let root = CommandTree.root
    do {
      switch try CommandParser(root: root, rules: CommandTree.rules).parse(arguments) {
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

  /// An opened store and the server keys of a data folder.
  struct Opened {
    /// The store.
    let store: any Store
    /// The keys.
    let keys: ServerKeys
    /// What the store is, for logs: `SQLite PATH` or `PostgreSQL HOST:PORT/DB` (never a password).
    let description: String
  }

  /// The environment variable read when `--database` is not given (keeps a password off the command line).
  static let databaseVariable = "MODAL_SERVER_DATABASE_URL"

  /// Opens the store `--database` names and the data folder's keys. Unless `create`, the folder,
  /// its key file and (for SQLite) its database must exist. A missing key file is created only for
  /// a database without live tokens or secrets, and a key file none of whose keys made any of them
  /// is refused: either would make every existing token and secret unusable. `serving` stores
  /// listen for other replicas' changes; the commands' SQLite stores tell a running server about
  /// their changes through the data folder's event socket.
  static func open(
    dataDirectory: String, database: String? = nil, create: Bool, serving: Bool = false, poolSize: Int = 8,
    log: @escaping @Sendable (String) -> Void = { _ in }
  ) async throws -> Opened {
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: dataDirectory, isDirectory: &isDirectory) {
      guard create else {
        throw ServerError(
          .failedPrecondition, "The data folder \(dataDirectory) does not exist; run `modal-server bootstrap` first.")
      }
      do {
        try FileManager.default.createDirectory(
          atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      } catch {
        throw ServerError(.failedPrecondition, "Could not create the data folder \(dataDirectory): \(error.localizedDescription)")
      }
    } else if !isDirectory.boolValue {
      throw ServerError(.failedPrecondition, "\(dataDirectory) is not a folder.")
    }
    let keyPath = ServerKeys.path(dataDirectory: dataDirectory)
    let keyFileExists = FileManager.default.fileExists(atPath: keyPath)
    guard keyFileExists || create else {
      throw ServerError(
        .failedPrecondition,
        "The server key file \(keyPath) is missing. Restore it from your backup or copy it from another replica "
          + "(or run `modal-server bootstrap` to set up a new server).")
    }
    let existingKeys = keyFileExists ? try ServerKeys.load(path: keyPath) : nil
    let chosen = database ?? ProcessInfo.processInfo.environment[databaseVariable]
    let store: any Store
    let description: String
    switch try DatabaseLocation(chosen, dataDirectory: dataDirectory) {
    case .postgres(let url):
      let postgres = try PostgresStore(url: url, poolSize: poolSize, listen: serving, log: log)
      (store, description) = (postgres, "PostgreSQL \(postgres.location)")
    case .sqlite(let path):
      guard create || FileManager.default.fileExists(atPath: path) else {
        throw ServerError(
          .failedPrecondition, "There is no database \(path); run `modal-server bootstrap` first (or pass --database).")
      }
      let announcer: (@Sendable (StoreEvent) -> Void)? =
        serving ? nil : { @Sendable event in LocalEventSocket.send(dataDirectory: dataDirectory, event: event) }
      store = try SQLiteStore(path: path, announcer: announcer)
      description = "SQLite \(path)"
    }
    do {
      let known = existingKeys.map { Array($0.all.keys) } ?? []
      if try await store.hasLiveDataWithout(anyOfKeyIDs: known) {
        throw ServerError(
          .failedPrecondition,
          existingKeys == nil
            ? "The server key file \(keyPath) is missing, but \(description) holds tokens and secrets made with a key. "
              + "Restore the key file from your backup or copy it from another replica; a new key would make every "
              + "existing token and secret unusable."
            : "No key in \(keyPath) made any of the tokens or secrets in \(description): this is the key file of another "
              + "server. Use this deployment's key file (every replica needs the same one).")
      }
      // The database remembers each key's fingerprint: a new key is written to the data folder
      // only once the database accepted it, and an edited or foreign key file is refused.
      let generated = existingKeys == nil ? ServerKeys.generate() : nil
      let keys = existingKeys ?? generated!.keys
      switch try await store.registerKeys(keys.fingerprints, at: UnixTime(date: Date())) {
      case .accepted:
        break
      case .differs(let keyID):
        throw ServerError(
          .failedPrecondition,
          "Key \(keyID) in \(keyPath) is not the key \(keyID) that \(description) was written with: the file was edited "
            + "or comes from another server. Use this deployment's key file (every replica needs the same one).")
      case .unknown(let knownIDs):
        throw ServerError(
          .failedPrecondition,
          existingKeys == nil
            ? "There is no key file \(keyPath), and \(description) already belongs to a server with key "
              + "\(knownIDs.joined(separator: ", ")). Copy that server's key file into \(dataDirectory) (every replica "
              + "needs the same one); a new key would not match anything it stores."
            : "None of the keys in \(keyPath) are keys \(description) was written with (it knows \(knownIDs.joined(separator: ", "))): "
              + "this is the key file of another server. Use this deployment's key file.")
      }
      let finalKeys = try generated.map { try ServerKeys.write($0, dataDirectory: dataDirectory) } ?? keys
      return Opened(store: store, keys: finalKeys, description: description)
    } catch {
      await store.close()
      throw error
    }
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
