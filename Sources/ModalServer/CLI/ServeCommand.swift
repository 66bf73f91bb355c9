import Dispatch
import Foundation
import RPC

/// `modal-server serve`: the gRPC API until SIGTERM or SIGINT.
enum ServeCommand {
  static let usage = """
    Usage: modal-server serve --data-dir DIR --grpc-address HOST:PORT --http-address HOST:PORT
                              [--public-url URL] [--database URL]

    Serves the Modal-compatible gRPC API (plaintext HTTP/2; point clients at it with
    MODAL_SERVER_URL=http://HOST:PORT). Logs one line per call to standard error. Stops cleanly
    on SIGTERM or SIGINT (writes buffered last-used times, closes the database).

    Options:
      --data-dir DIR             The data folder: SQLite database, key file (created if missing)
      --grpc-address HOST:PORT   Where the gRPC API listens (port 0 picks a free port; the log says which)
      --http-address HOST:PORT   Where the dashboard will listen (not built yet: accepted, unused)
      --public-url URL           The dashboard's public URL for login links (default http://<http-address>)
      --database URL             sqlite:PATH (default: modal-server.sqlite3 in the data folder)

    """

  static func run(_ arguments: [String], output: ServerCommandLine.Output) async throws {
    let spec = CommandSpec(
      valueOptions: ["--data-dir", "--grpc-address", "--http-address", "--public-url", "--database"],
      required: ["--data-dir", "--grpc-address", "--http-address"])
    guard let parsed = try ServerCommandLine.parse(arguments, spec: spec, usage: usage, output: output) else { return }
    let grpc: (host: String, port: Int)
    let http: (host: String, port: Int)
    do {
      grpc = try ArgumentValues.address(parsed.required("--grpc-address"), option: "--grpc-address")
      http = try ArgumentValues.address(parsed.required("--http-address"), option: "--http-address")
    } catch {
      throw CommandUsageError(error, usage: usage)
    }
    let dataDirectory = parsed.required("--data-dir")
    let log: @Sendable (String) -> Void = { output.err("\(UnixTime(date: Date()).iso8601) \($0)\n") }

    // Stop signals are handled by dispatch sources, so the default handlers must not kill us first.
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    signal(SIGPIPE, SIG_IGN)

    let (store, keys) = try ServerCommandLine.open(dataDirectory: dataDirectory, database: parsed["--database"], create: true)
    let lock = try DataFolderLock(dataDirectory: dataDirectory)
    let publicURL = parsed["--public-url"] ?? "http://\(http.host.contains(":") ? "[\(http.host)]" : http.host):\(http.port)"
    let backend = Backend(dependencies: Dependencies(store: store, keys: keys, settings: ServerSettings(publicURL: publicURL)))
    let waiters = backend.flows.waiters
    let listener = try FlowEventListener(dataDirectory: dataDirectory) { flowID in
      Task { await waiters.signal(flowID: flowID) }
    }

    var configuration = ServerConfiguration(host: grpc.host, port: grpc.port)
    configuration.maxReceiveMessageSize = 4 * 1024 * 1024
    let server: Server
    do {
      server = try Server(configuration: configuration, router: ModalGRPCService.router(backend: backend))
    } catch {
      listener.stop()
      throw ServerError(.failedPrecondition, "Could not serve gRPC: \(error.message)")
    }
    log("modal-server: gRPC listening on \(grpc.host):\(server.port) (data folder \(dataDirectory), SQLite \(store.path))")
    log(
      "modal-server: the web dashboard is not built yet: nothing listens on \(http.host):\(http.port); "
        + "approve logins with `modal-server flow approve` (login links point to \(publicURL))")

    let maintenance = Task {
      while !Task.isCancelled {
        try? await Task.sleep(for: .seconds(5))
        do { try await backend.maintenance() } catch { log("modal-server: maintenance failed: \(error)") }
      }
    }

    let signalName = await waitForStopSignal()
    log("modal-server: \(signalName) received, shutting down")
    listener.stop()
    await server.shutdown(grace: .seconds(5))
    maintenance.cancel()
    do { try await backend.maintenance() } catch { log("modal-server: final flush failed: \(error)") }
    await store.close()
    lock.release()
    log("modal-server: stopped")
  }

  /// Suspends until SIGTERM or SIGINT arrives; returns its name.
  private static func waitForStopSignal() async -> String {
    let (stream, continuation) = AsyncStream.makeStream(of: String.self)
    let queue = DispatchQueue(label: "modal-server.signals")
    var sources: [any DispatchSourceSignal] = []
    for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { continuation.yield(name) }
      source.resume()
      sources.append(source)
    }
    var iterator = stream.makeAsyncIterator()
    let name = await iterator.next() ?? "stop"
    for source in sources { source.cancel() }
    return name
  }
}

/// An exclusive advisory lock on `<data-dir>/serve.lock`, so two servers never share a data folder.
struct DataFolderLock {
  private let fd: Int32

  init(dataDirectory: String) throws(ServerError) {
    let path = dataDirectory + "/serve.lock"
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw ServerError(.failedPrecondition, "Could not open \(path).") }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      close(fd)
      throw ServerError(.failedPrecondition, "Another modal-server is already serving the data folder \(dataDirectory).")
    }
  }

  func release() {
    flock(fd, LOCK_UN)
    close(fd)
  }
}
