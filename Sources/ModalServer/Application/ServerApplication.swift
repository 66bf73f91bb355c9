import Foundation
import RPC

/// `modal-server serve` as a value: a configuration in, `run` until stopped, and a teardown that
/// always runs (in the spirit of Hummingbird 2's `Application`).
///
/// `run` takes the data folder's lock, opens the store and keys (`DataFolder`), starts the
/// dashboard, the data folder's event socket, the gRPC API and the maintenance loop, logs where
/// they listen and waits for `stop`. Whatever ends it (the stop, a failed start-up, a cancelled
/// task), the same steps undo what was started, newest first: the maintenance loop ends, the
/// gRPC API drains (5 s grace), the event socket and the dashboard stop, buffered last-used times
/// are written, the database is closed and the lock released.
package struct ServerApplication: Sendable {
  /// Where a started application listens.
  package struct Listening: Sendable {
    /// The gRPC API's port (the one chosen when the configuration said 0).
    package let grpcPort: Int
    /// The dashboard's port.
    package let httpPort: Int
    /// The `/metrics` listener's port, when there is one.
    package var metricsPort: Int?
    /// The URL login links point to.
    package let publicURL: String
  }

  /// What the application serves.
  package let configuration: Configuration
  private let dataFolder: DataFolder
  private let requestLog: LogWriter
  private let errorOutput: @Sendable (String) -> Void

  /// An application serving `configuration`, its data folder on `fileSystem`, writing lifecycle
  /// lines to `errorOutput` and per-call lines through `requestLog`.
  package init(
    configuration: Configuration, fileSystem: any ServerFileSystem = LocalFileSystem(),
    errorOutput: @escaping @Sendable (String) -> Void, requestLog: LogWriter = LogWriter()
  ) {
    self.configuration = configuration
    self.dataFolder = DataFolder(path: configuration.dataDirectory, fileSystem: fileSystem)
    self.requestLog = requestLog
    self.errorOutput = errorOutput
  }

  /// Serves until `stop` returns (it returns the reason logged, such as `SIGTERM`), then tears
  /// everything down; `onListening` hears the ports once both listeners are up.
  package func run(
    until stop: @Sendable () async -> String, onListening: @Sendable (Listening) -> Void = { _ in }
  ) async throws {
    if configuration.tls != nil && !HTTPServer.supportsTLS {
      throw ServerError(.failedPrecondition, "This libmicrohttpd was built without TLS support: the dashboard cannot serve HTTPS.")
    }
    let log = self.log
    try await withTeardown { teardown in
      let listening = try await start(teardown)
      onListening(listening)
      let reason = await stop()
      log("modal-server: \(reason) received, shutting down")
    }
    log("modal-server: stopped")
  }

  /// Writes a lifecycle line, after the per-call lines batched before it so the log stays in order.
  private var log: @Sendable (String) -> Void {
    let (emit, format) = (self.emit, configuration.logFormat)
    return { line in emit(format.lifecycleLine(line)) }
  }

  /// Writes one finished line after the batched per-call lines.
  private var emit: @Sendable (String) -> Void {
    let (requestLog, errorOutput) = (requestLog, errorOutput)
    return { line in
      requestLog.flush()
      errorOutput(line + "\n")
    }
  }

  /// Starts everything, adding to `teardown` the step that undoes each part as soon as it exists.
  private func start(_ teardown: Teardown) async throws -> Listening {
    let log = self.log
    try dataFolder.prepare(.create)
    let lock = try DataFolderLock(dataDirectory: dataFolder.path)
    teardown.add { lock.release() }
    let opened = try await dataFolder.open(
      database: configuration.database, .create, serving: true, poolSize: configuration.databasePoolSize,
      eventsDatabase: configuration.eventsDatabase, log: log)
    teardown.add { await opened.store.close() }
    // The dashboard listens first, so a port of 0 is known before login links are made.
    let slot = DashboardSlot()
    let metrics = ServerMetrics()
    let readiness = Readiness(store: opened.store)
    let web = try startDashboard(slot, readiness: readiness, metrics: metrics)
    teardown.add { web.stop() }
    let publicURL = configuration.publicURL(httpPort: web.port)
    let backend = Backend(
      dependencies: Dependencies(store: opened.store, keys: opened.keys, settings: settings(publicURL), metrics: metrics))
    teardown.add {
      do { try await backend.maintenance() } catch { log("modal-server: final flush failed: \(error)") }
    }
    var scanningKeys: ScanningKeySource?
    if let location = configuration.secretScanningKeys { scanningKeys = try await ScanningKeySource.at(location) }
    slot.set(Dashboard(backend: backend, allowSignUp: configuration.allowSignUp, scanningKeys: scanningKeys))
    // Changes the command line commits to the same SQLite file arrive on the data folder's socket
    // (PostgreSQL delivers every replica's changes itself).
    let events = opened.store.events
    let listener = try LocalEventListener(dataDirectory: dataFolder.path) { events.publish($0) }
    teardown.add { listener.stop() }
    let server = try startGRPC(backend, readiness: readiness)
    teardown.add { await server.shutdown(grace: .seconds(5)) }
    let (grpc, http) = (configuration.grpcAddress, configuration.httpAddress)
    log("modal-server: gRPC listening on \(grpc.host):\(server.port) (data folder \(dataFolder.path), \(opened.description))")
    log("modal-server: HTTP listening on \(http.host):\(web.port) (\(configuration.scheme); login links point to \(publicURL))")
    var listening = Listening(grpcPort: server.port, httpPort: web.port, publicURL: publicURL)
    listening.metricsPort = try startMetrics(metrics, store: opened.store, teardown)
    for loop in [Task { await Self.maintain(backend, log: log) }, Task { await readiness.probePeriodically() }] {
      teardown.add {
        loop.cancel()
        await loop.value
      }
    }
    return listening
  }

  private func settings(_ publicURL: String) -> ServerSettings {
    var settings = ServerSettings(publicURL: publicURL)
    settings.flowStartsPerMinutePerAddress = configuration.flowStartsPerMinute
    settings.loginFailuresPerAddress = configuration.loginFailuresPerAddress
    settings.signUpsPerAddressPerHour = configuration.signUpsPerAddressPerHour
    settings.passwordQueue = configuration.passwordQueue
    settings.quotas = configuration.quotas
    settings.auditRetention = configuration.auditRetention
    settings.federationCAFile = configuration.federationCAFile
    settings.federationKeyRefreshSeconds = configuration.federationKeyRefreshSeconds
    return settings
  }

  private func startDashboard(
    _ slot: DashboardSlot, readiness: Readiness, metrics: ServerMetrics
  ) throws(ServerError) -> HTTPServer {
    let http = configuration.httpAddress
    let (emit, format) = (self.emit, configuration.logFormat)
    var server = Dashboard.serverConfiguration(
      host: http.host, port: http.port, tls: configuration.tls, connectionsPerAddress: configuration.httpConnectionsPerAddress,
      log: { line in emit(format.httpLine(line)) })
    server.headerTimeoutSeconds = configuration.httpHeaderTimeoutSeconds
    do {
      return try HTTPServer(configuration: server) { request in
        var response = await HealthEndpoints.answer(request, readiness: readiness)
        if response == nil { response = await slot.handle(request) }
        let answered = response ?? HTTPResponse(status: 500)
        metrics.dashboardRequests.add(String(answered.status))
        return answered
      }
    } catch {
      throw ServerError(.failedPrecondition, "Could not serve the dashboard: \(error.message)")
    }
  }

  private func startGRPC(_ backend: Backend, readiness: Readiness) throws(ServerError) -> Server {
    var grpc = ServerConfiguration(host: configuration.grpcAddress.host, port: configuration.grpcAddress.port)
    grpc.tls = configuration.tls.map { ServerConfiguration.TLS(certificateChainPEM: $0.certificatePEM, privateKeyPEM: $0.privateKeyPEM) }
    grpc.maxReceiveMessageSize = 4 * 1024 * 1024
    grpc.maxConcurrentStreamsPerConnection = configuration.grpcMaxConcurrentStreams
    grpc.memoryQuotaBytes = configuration.grpcMemoryQuotaMiB * 1024 * 1024
    grpc.pollers = configuration.grpcPollers
    grpc.streamWindowBytes = configuration.grpcStreamWindowBytes
    grpc.maxMetadataBytes = configuration.grpcMaxMetadataBytes
    grpc.refusedCallLog = RefusedCallLines.hook(log)
    var router = ModalGRPCService.router(backend: backend, log: RequestLoggers.batched(requestLog, format: configuration.logFormat))
    HealthService.register(on: &router, readiness: readiness)
    do {
      return try Server(configuration: grpc, router: router)
    } catch {
      throw ServerError(.failedPrecondition, "Could not serve gRPC: \(error.message)")
    }
  }

  /// Starts `/metrics` when the configuration asks for it, returning its port.
  private func startMetrics(_ metrics: ServerMetrics, store: any Store, _ teardown: Teardown) throws(ServerError) -> Int? {
    guard let address = configuration.metricsAddress else { return nil }
    let server = try MetricsEndpoint.start(host: address.host, port: address.port, metrics: metrics, store: store.statistics)
    teardown.add { server.stop() }
    log("modal-server: metrics listening on \(address.host):\(server.port) (GET /metrics)")
    return server.port
  }

  /// Every 5 seconds: writes buffered last-used times, removes expired flows and secrets.
  private static func maintain(_ backend: Backend, log: @Sendable (String) -> Void) async {
    while !Task.isCancelled {
      try? await Task.sleep(for: .seconds(5))
      guard !Task.isCancelled else { return }
      do { try await backend.maintenance() } catch { log("modal-server: maintenance failed: \(error)") }
    }
  }
}
