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

  static func run(_ arguments: [String], output: ServerCommandLine.Output) async throws {
    let spec = CommandSpec(
      valueOptions: [
        "--data-dir", "--grpc-address", "--http-address", "--public-url", "--database", "--database-pool", "--tls-cert",
        "--tls-key", "--http-connections-per-address", "--flow-starts-per-minute",
      ],
      flags: ["--disable-signup"],
      required: ["--data-dir", "--grpc-address", "--http-address"])
    guard let parsed = try ServerCommandLine.parse(arguments, spec: spec, usage: usage, output: output) else { return }
    let grpc: (host: String, port: Int)
    let http: (host: String, port: Int)
    var poolSize = 8
    var connectionsPerAddress = 16
    var flowStartsPerMinute = 60
    do throws(UsageError) {
      grpc = try ArgumentValues.address(parsed.required("--grpc-address"), option: "--grpc-address")
      http = try ArgumentValues.address(parsed.required("--http-address"), option: "--http-address")
      if let text = parsed["--database-pool"] {
        guard let size = Int(text), (1...1000).contains(size) else {
          throw UsageError("--database-pool must be a number from 1 to 1000, not '\(text)'.")
        }
        poolSize = size
      }
      connectionsPerAddress = try ArgumentValues.count(
        parsed["--http-connections-per-address"], option: "--http-connections-per-address", default: connectionsPerAddress)
      flowStartsPerMinute = try ArgumentValues.count(
        parsed["--flow-starts-per-minute"], option: "--flow-starts-per-minute", default: flowStartsPerMinute)
    } catch {
      throw CommandUsageError(error, usage: usage)
    }
    var configuration = ServerApplication.Configuration(
      dataDirectory: parsed.required("--data-dir"), grpcAddress: .init(host: grpc.host, port: grpc.port),
      httpAddress: .init(host: http.host, port: http.port))
    configuration.publicURL = parsed["--public-url"]
    configuration.database = ServerCommandLine.database(parsed["--database"])
    configuration.databasePoolSize = poolSize
    configuration.tls = try tls(certificate: parsed["--tls-cert"], key: parsed["--tls-key"])
    configuration.allowSignUp = !parsed.has("--disable-signup")
    configuration.httpConnectionsPerAddress = connectionsPerAddress
    configuration.flowStartsPerMinute = flowStartsPerMinute

    // Stop signals are handled by dispatch sources, so the default handlers must not kill us first.
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    signal(SIGPIPE, SIG_IGN)
    try await ServerApplication(configuration: configuration, errorOutput: output.err).run(until: ServerApplication.stopSignal)
  }

  /// The PEM files of `--tls-cert` and `--tls-key`, which go together.
  private static func tls(certificate: String?, key: String?) throws -> ServerApplication.Configuration.TLS? {
    switch (certificate, key) {
    case (nil, nil):
      return nil
    case (let cert?, let key?):
      guard let certText = try? String(contentsOfFile: cert, encoding: .utf8), let keyText = try? String(contentsOfFile: key, encoding: .utf8)
      else {
        throw ServerError(.failedPrecondition, "Could not read the TLS certificate \(cert) or key \(key).")
      }
      return ServerApplication.Configuration.TLS(certificatePEM: certText, privateKeyPEM: keyText)
    default:
      throw CommandUsageError(UsageError("--tls-cert and --tls-key go together."), usage: usage)
    }
  }
}
