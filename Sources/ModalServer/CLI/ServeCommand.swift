import CommandLineKit
import Dispatch
import Foundation
import RPC

/// `modal-server serve`: the gRPC API until SIGTERM or SIGINT.
enum ServeCommand {
  static let usage = """
    Usage: modal-server serve --data-dir DIR --grpc-address HOST:PORT --http-address HOST:PORT
                              [--public-url URL] [--database URL] [--database-pool N]
                              [--tls-cert FILE --tls-key FILE] [--disable-signup]
                              [--http-connections-per-address N] [--flow-starts-per-minute N]

    Serves the Modal-compatible gRPC API (HTTP/2; point clients at it with
    MODAL_SERVER_URL=http://HOST:PORT, or https:// with TLS) and the web dashboard (sign-up, log-in,
    login approval for `modal token new`, tokens, members). Logs one line per call or request to
    standard error. Stops cleanly on SIGTERM or SIGINT (writes buffered last-used times, closes the
    database).

    Options:
      --data-dir DIR             The data folder: key file (created if missing; replicas need the same
                                 one), SQLite database unless --database says otherwise
      --grpc-address HOST:PORT   Where the gRPC API listens (port 0 picks a free port; the log says which)
      --http-address HOST:PORT   Where the dashboard listens (port 0 picks a free port; the log says which)
      --public-url URL           The dashboard's public URL for login links (default http(s)://<http-address>)
      --database URL             postgres://USER@HOST:PORT/DB (several replicas share it) or sqlite:PATH
                                 (default: $MODAL_SERVER_DATABASE_URL, else modal-server.sqlite3 in the data folder)
      --database-pool N          The most PostgreSQL connections this replica opens (default 8)
      --tls-cert FILE            PEM certificate chain: serve gRPC and the dashboard over TLS (needs --tls-key)
      --tls-key FILE             PEM private key for --tls-cert
      --disable-signup           Nobody can create an account on the dashboard (use bootstrap)
      --http-connections-per-address N
                                 The most dashboard connections one client address may hold (default 16;
                                 0: no limit, for a balancer in front that hides client addresses)
      --flow-starts-per-minute N The most logins (`modal token new`) one client address may start per minute
                                 on this replica (default 60; 0: no limit, as above)

    """

  static let grpcAddress = Option<ListenAddress>.required(
    "--grpc-address", placeholder: "HOST:PORT", help: "Where the gRPC API listens",
    transform: ArgumentValues.address(option: "--grpc-address"))
  static let httpAddress = Option<ListenAddress>.required(
    "--http-address", placeholder: "HOST:PORT", help: "Where the dashboard listens",
    transform: ArgumentValues.address(option: "--http-address"))
  static let publicURL = Option<String?>("--public-url", placeholder: "URL", help: "The dashboard's public URL")
  static let databasePool = Option<Int>(
    "--database-pool", placeholder: "N", default: 8, help: "The most PostgreSQL connections this replica opens"
  ) { text throws(InvalidValue) in
    guard let size = Int(text), (1...1000).contains(size) else {
      throw InvalidValue("--database-pool must be a number from 1 to 1000, not '\(text)'.")
    }
    return size
  }
  static let tlsCert = Option<String?>("--tls-cert", placeholder: "FILE", help: "PEM certificate chain (needs --tls-key)")
  static let tlsKey = Option<String?>("--tls-key", placeholder: "FILE", help: "PEM private key for --tls-cert")
  static let disableSignup = Flag("--disable-signup", help: "Nobody can create an account on the dashboard")
  static let connectionsPerAddress = Option<Int>(
    "--http-connections-per-address", placeholder: "N", default: 16,
    help: "The most dashboard connections one client address may hold",
    transform: ArgumentValues.count(option: "--http-connections-per-address"))
  static let flowStartsPerMinute = Option<Int>(
    "--flow-starts-per-minute", placeholder: "N", default: 60,
    help: "The most logins one client address may start per minute",
    transform: ArgumentValues.count(option: "--flow-starts-per-minute"))

  static let command = CommandTree.command(
    "serve", help: usage,
    options: [
      ServerOptions.dataDir, grpcAddress, httpAddress, publicURL, ServerOptions.database, databasePool, tlsCert, tlsKey,
      disableSignup, connectionsPerAddress, flowStartsPerMinute,
    ],
    run: run)

  static func run(_ parsed: ServerInvocation) async throws {
    let output = parsed.output
    let grpc = parsed[Self.grpcAddress]
    let http = parsed[Self.httpAddress]
    let poolSize = parsed[Self.databasePool]
    let connectionsPerAddress = parsed[Self.connectionsPerAddress]
    let flowStartsPerMinute = parsed[Self.flowStartsPerMinute]
    var certificatePEM: String?
    var keyPEM: String?
    switch (parsed[Self.tlsCert], parsed[Self.tlsKey]) {
    case (nil, nil): break
    case (let cert?, let key?):
      guard let certText = try? String(contentsOfFile: cert, encoding: .utf8), let keyText = try? String(contentsOfFile: key, encoding: .utf8)
      else {
        throw ServerError(.failedPrecondition, "Could not read the TLS certificate \(cert) or key \(key).")
      }
      guard HTTPServer.supportsTLS else {
        throw ServerError(.failedPrecondition, "This libmicrohttpd was built without TLS support: the dashboard cannot serve HTTPS.")
      }
      certificatePEM = certText
      keyPEM = keyText
    default:
      throw CommandUsageError(message: "--tls-cert and --tls-key go together.", usage: usage)
    }
    let dataDirectory = parsed[ServerOptions.dataDir]
    // Per-call lines are batched; every other line first flushes them, so the log stays in order.
    let requestLog = LogWriter()
    let log: @Sendable (String) -> Void = { line in
      requestLog.flush()
      output.err("\(UnixTime(date: Date()).iso8601) \(line)\n")
    }

    // Stop signals are handled by dispatch sources, so the default handlers must not kill us first.
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    signal(SIGPIPE, SIG_IGN)

    let opened = try await ServerCommandLine.open(
      dataDirectory: dataDirectory, database: parsed[ServerOptions.database], create: true, serving: true, poolSize: poolSize, log: log)
    let lock = try DataFolderLock(dataDirectory: dataDirectory)
    let (store, keys) = (opened.store, opened.keys)
    let scheme = certificatePEM == nil ? "http" : "https"
    // The dashboard listens first, so a port of 0 is known before login links are made.
    let slot = DashboardSlot()
    let httpTLS = certificatePEM.flatMap { cert in keyPEM.map { HTTPServerConfiguration.TLS(certificatePEM: cert, privateKeyPEM: $0) } }
    let web: HTTPServer
    do {
      web = try HTTPServer(
        configuration: Dashboard.serverConfiguration(
          host: http.host, port: http.port, tls: httpTLS, connectionsPerAddress: connectionsPerAddress, log: log),
        handler: { await slot.handle($0) })
    } catch {
      throw ServerError(.failedPrecondition, "Could not serve the dashboard: \(error.message)")
    }
    let publicURL = parsed[Self.publicURL] ?? "\(scheme)://\(http.host.contains(":") ? "[\(http.host)]" : http.host):\(web.port)"
    var settings = ServerSettings(publicURL: publicURL)
    settings.flowStartsPerMinutePerAddress = flowStartsPerMinute
    let backend = Backend(dependencies: Dependencies(store: store, keys: keys, settings: settings))
    slot.set(Dashboard(backend: backend, allowSignUp: !parsed[Self.disableSignup]))
    // Changes the command line commits to the same SQLite file arrive on the data folder's socket
    // (PostgreSQL delivers every replica's changes itself).
    let events = store.events
    let listener: LocalEventListener
    do {
      listener = try LocalEventListener(dataDirectory: dataDirectory) { events.publish($0) }
    } catch {
      web.stop()
      throw error
    }

    var configuration = ServerConfiguration(host: grpc.host, port: grpc.port)
    if let certificatePEM, let keyPEM {
      configuration.tls = ServerConfiguration.TLS(certificateChainPEM: certificatePEM, privateKeyPEM: keyPEM)
    }
    configuration.maxReceiveMessageSize = 4 * 1024 * 1024
    let server: Server
    do {
      server = try Server(configuration: configuration, router: ModalGRPCService.router(backend: backend, log: RequestLoggers.batched(requestLog)))
    } catch {
      listener.stop()
      web.stop()
      throw ServerError(.failedPrecondition, "Could not serve gRPC: \(error.message)")
    }
    log("modal-server: gRPC listening on \(grpc.host):\(server.port) (data folder \(dataDirectory), \(opened.description))")
    log("modal-server: HTTP listening on \(http.host):\(web.port) (\(scheme); login links point to \(publicURL))")
    let maintenance = Task {
      while !Task.isCancelled {
        try? await Task.sleep(for: .seconds(5))
        do { try await backend.maintenance() } catch { log("modal-server: maintenance failed: \(error)") }
      }
    }

    let signalName = await waitForStopSignal()
    log("modal-server: \(signalName) received, shutting down")
    listener.stop()
    web.stop()
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

/// Holds the dashboard once the services exist (the HTTP listener starts first, to learn its port).
final class DashboardSlot: @unchecked Sendable {
  private let lock = NSLock()
  private var dashboard: Dashboard?

  func set(_ dashboard: Dashboard) { lock.withLock { self.dashboard = dashboard } }

  func handle(_ request: HTTPRequest) async -> HTTPResponse {
    guard let dashboard = lock.withLock({ self.dashboard }) else {
      return .text(503, "The server is starting; retry in a moment.\n")
    }
    return await dashboard.handle(request)
  }
}
