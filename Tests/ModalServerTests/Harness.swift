import Foundation
import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing
import TestSupport

/// A token id and secret pair used by tests.
struct Credentials: Sendable {
  let id: String
  let secret: String

  var metadata: Metadata { ["x-modal-token-id": id, "x-modal-token-secret": secret] }
}

/// A clock tests move by hand.
final class ManualClock: @unchecked Sendable {
  private let lock = NSLock()
  private var current = UnixTime(date: Date())

  var clock: ServerClock { ServerClock { [self] in lock.withLock { current } } }
  var now: UnixTime { lock.withLock { current } }
  func advance(seconds: Int64) { lock.withLock { current = current.adding(seconds: seconds) } }
}

/// An in-process server on 127.0.0.1 with a fresh SQLite data folder, a bootstrapped owner and a
/// channel to it.
struct Harness: Sendable {
  let folder: TemporaryFolder
  let store: SQLiteStore
  let backend: Backend
  let server: Server
  let channel: Channel
  let clock: ManualClock
  let owner: Credentials
  let ownerUser: User
  let workspace: Workspace
  let log: LogRecorder

  static func start(settings: ServerSettings = ServerSettings(publicURL: "http://127.0.0.1:9")) async throws -> Harness {
    let folder = TemporaryFolder()
    let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
    let clock = ManualClock()
    let backend = Backend(dependencies: Dependencies(store: store, keys: .random(), clock: clock.clock, settings: settings))
    let booted = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
    let log = LogRecorder()
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
    configuration.maxReceiveMessageSize = 4 * 1024 * 1024
    let server = try Server(configuration: configuration, router: ModalGRPCService.router(backend: backend, log: log.logger))
    let channel = try Channel(url: "http://127.0.0.1:\(server.port)")
    return Harness(
      folder: folder, store: store, backend: backend, server: server, channel: channel, clock: clock,
      owner: Credentials(id: booted.token.id.rawValue, secret: booted.token.secret), ownerUser: booted.user,
      workspace: booted.workspace, log: log)
  }

  func stop() async {
    await server.shutdown(grace: .seconds(2))
    await store.close()
  }

  /// Calls `method` with `request`, authenticated as `credentials` (none when nil).
  func call<Request: ProtoMessage, Response: ProtoMessage>(
    _ method: MethodDescriptor<Request, Response>, _ request: Request, as credentials: Credentials?,
    timeout: Duration? = .seconds(20)
  ) async throws -> Response {
    let response = try await channel.unary(
      path: method.path, request: request.serializedBytes(), metadata: credentials?.metadata ?? Metadata(), timeout: timeout)
    return try Response(serializedBytes: response.message)
  }

  /// A new member of the workspace with `role` and a token with `scopes`.
  func member(_ name: String, role: Role, scopes: ScopeSet = .all, lifetime: Int64? = nil) async throws -> Credentials {
    let user = try await backend.accounts.createUser(email: "\(name)@example.com", password: nil)
    try await backend.accounts.setMembership(user: user, workspace: workspace, role: role, by: .serverOperator)
    let token = try await backend.tokens.issue(
      workspaceID: workspace.id, owner: .user(id: user.id), createdByUserID: user.id, name: name, scopes: scopes,
      lifetimeSeconds: lifetime, by: .serverOperator)
    return Credentials(id: token.id.rawValue, secret: token.secret)
  }

  /// A token of the owner with `scopes`.
  func ownerToken(scopes: ScopeSet, lifetime: Int64? = nil) async throws -> Credentials {
    let token = try await backend.tokens.issue(
      workspaceID: workspace.id, owner: .user(id: ownerUser.id), createdByUserID: ownerUser.id, name: "scoped",
      scopes: scopes, lifetimeSeconds: lifetime, by: .serverOperator)
    return Credentials(id: token.id.rawValue, secret: token.secret)
  }
}

/// Runs `body` against a fresh harness and always stops it.
func withHarness(
  settings: ServerSettings = ServerSettings(publicURL: "http://127.0.0.1:9"), _ body: (Harness) async throws -> Void
) async throws {
  let harness = try await Harness.start(settings: settings)
  do {
    try await body(harness)
  } catch {
    await harness.stop()
    throw error
  }
  await harness.stop()
}

/// Collects request log lines.
final class LogRecorder: @unchecked Sendable {
  private let lock = NSLock()
  private var entries: [RequestLogEntry] = []

  var logger: RequestLogger { { [self] entry in lock.withLock { entries.append(entry) } } }
  var lines: [String] { lock.withLock { entries.map(\.line) } }

  /// The lines once `condition` holds for them, or after 5 seconds: a call's line is written just
  /// after its reply is sent, so it may come a moment after the client had the reply.
  func lines(once condition: ([String]) -> Bool) async -> [String] {
    let end = ContinuousClock.now + .seconds(5)
    while ContinuousClock.now < end, !condition(lines) { try? await Task.sleep(for: .milliseconds(5)) }
    return lines
  }
  var jsonLines: [String] { lock.withLock { entries.map(\.jsonLine) } }
}

/// The `RPCError` that `body` throws; records an issue if it throws something else or nothing.
func rpcError<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T) async -> RPCError? {
  do {
    let value = try await body()
    Issue.record("expected an RPCError, got \(value)", sourceLocation: sourceLocation)
  } catch let error as RPCError {
    return error
  } catch {
    Issue.record("expected an RPCError, got \(error)", sourceLocation: sourceLocation)
  }
  return nil
}

/// The `ServerError` that `body` throws.
func serverError<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T) async -> ServerError? {
  do {
    let value = try await body()
    Issue.record("expected a ServerError, got \(value)", sourceLocation: sourceLocation)
  } catch let error as ServerError {
    return error
  } catch {
    Issue.record("expected a ServerError, got \(error)", sourceLocation: sourceLocation)
  }
  return nil
}

/// Runs the built `modal-server` with arguments (and this process's environment); returns status and output.
func runServerCommand(_ arguments: [String]) throws -> ProcessOutput {
  try ModalServerProcess.command(arguments, environment: ProcessInfo.processInfo.environment)
}

/// Bootstraps `workspace` for `email` in `folder`/data (SQLite) and starts `modal-server serve` on
/// it: the single-server setup of the Python scenarios.
func startBootstrappedServer(in folder: TemporaryFolder, email: String = "py@example.com", workspace: String = "pyws") throws
  -> (server: ModalServerProcess, owner: Credentials)
{
  let data = folder.path + "/data"
  let boot = try runServerCommand(["bootstrap", "--data-dir", data, "--email", email, "--workspace", workspace, "--json"])
  guard boot.status == 0 else { throw ServerError(.internal, "bootstrap failed: \(boot.stderr)") }
  let server = ModalServerProcess(dataDirectory: data, logPath: folder.path + "/serve.log")
  try server.start()
  return (server, try bootstrapCredentials(boot.stdout))
}
