import Foundation
import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing
import TestSupport

/// Lines written to the application's standard error.
final class LineRecorder: @unchecked Sendable {
  private let lock = NSLock()
  private var text = ""

  var write: @Sendable (String) -> Void { { [self] line in lock.withLock { text += line } } }
  var lines: [String] { lock.withLock { text.split(separator: "\n").map(String.init) } }
}

@Suite struct ServerApplicationTests {
  /// Serves `configuration` in a task until `body` returns, then stops it and waits for the end of `run`.
  func serving(
    _ configuration: ServerApplication.Configuration, log: LineRecorder,
    _ body: (ServerApplication.Listening) async throws -> Void
  ) async throws {
    let stop = ServerApplication.StopHandle()
    let (started, ready) = AsyncStream.makeStream(of: ServerApplication.Listening.self)
    let application = ServerApplication(configuration: configuration, errorOutput: log.write)
    let run = Task { try await application.run(until: { await stop.wait() }, onListening: { ready.yield($0) }) }
    var iterator = started.makeAsyncIterator()
    guard let listening = await iterator.next() else { return }
    do {
      try await body(listening)
    } catch {
      stop.stop()
      try await run.value
      throw error
    }
    stop.stop()
    try await run.value
  }

  func configuration(_ folder: TemporaryFolder) -> ServerApplication.Configuration {
    ServerApplication.Configuration(
      dataDirectory: folder.path + "/data", grpcAddress: .init(host: "127.0.0.1", port: 0),
      httpAddress: .init(host: "127.0.0.1", port: 0))
  }

  @Test func startsServesAndTearsDownThenStartsAgainOnTheSameFolder() async throws {
    let folder = TemporaryFolder()
    let data = DataFolder(path: folder.path + "/data")
    let setup = try await data.open(database: nil, .create)
    let booted = try await Backend(dependencies: Dependencies(store: setup.store, keys: setup.keys))
      .accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
    await setup.store.close()

    let log = LineRecorder()
    try await serving(configuration(folder), log: log) { listening in
      #expect(listening.publicURL == "http://127.0.0.1:\(listening.httpPort)")
      let channel = try Channel(url: "http://127.0.0.1:\(listening.grpcPort)")
      let metadata: Metadata = ["x-modal-token-id": booted.token.id.rawValue, "x-modal-token-secret": booted.token.secret]
      _ = try await channel.unary(path: ModalClientMethods.clientHello.path, request: [], metadata: metadata)
    }
    let lines = log.lines.map { $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "" }
    #expect(lines.first?.hasPrefix("modal-server: gRPC listening on 127.0.0.1:") == true)
    #expect(lines.suffix(2) == ["modal-server: stop received, shutting down", "modal-server: stopped"])
    // Closing the store folds the write-ahead log (holding at least the final flush) into the database.
    let wal = try FileManager.default.attributesOfItem(atPath: folder.path + "/data/modal-server.sqlite3-wal")
    #expect(wal[.size] as? Int == 0)

    // The final flush wrote the last-used time of the call above.
    let reopened = try await data.open(database: nil, .existing)
    let token = try await reopened.store.token(id: booted.token.id)
    await reopened.store.close()
    #expect(token?.lastUsedAt != nil)

    // The lock was released and the store closed: a second run on the same folder starts.
    try await serving(configuration(folder), log: LineRecorder()) { _ in }
  }

  @Test func aFailedStartTearsDownWhatItStarted() async throws {
    let folder = TemporaryFolder()
    // An address of no interface here (TEST-NET-3): the gRPC API, started last, cannot bind it.
    var unbindable = configuration(folder)
    unbindable.grpcAddress.host = "203.0.113.1"
    let application = ServerApplication(configuration: unbindable, errorOutput: LineRecorder().write)
    let failure = await #expect(throws: ServerError.self) { try await application.run(until: { "never" }) }
    #expect(failure?.message.hasPrefix("Could not serve gRPC:") == true)
    // The lock, the dashboard's port and the database were given back.
    try await serving(configuration(folder), log: LineRecorder()) { _ in }
  }
}
