import CommandLineKit
import Foundation
import RPC

/// `modal-server serve`: the gRPC API until SIGTERM or SIGINT.
enum ServeCommand {
  static let usage = """
    Usage: modal-server serve --data-dir DIR --grpc-address HOST:PORT --http-address HOST:PORT
                              [--public-url URL] [--database URL] [--database-pool N]
                              [--events-database URL]
                              [--tls-cert FILE --tls-key FILE] [--disable-signup]
                              [--http-connections-per-address N] [--flow-starts-per-minute N]
                              [--http-header-timeout SECONDS] [--grpc-max-streams N] [--grpc-memory-mb N]
                              [--grpc-pollers N]
                              [--login-failures-per-address N] [--signups-per-address N] [--password-queue N]
                              [--quota-secrets N] [--quota-secret-value-kib N] [--quota-secret-mib N]
                              [--quota-tokens N] [--quota-service-users N]
                              [--metrics-address HOST:PORT] [--log-format text|json] [--config FILE]
                              [--audit-retention DURATION] [--secret-scanning-keys FILE|URL]
                              [--federation-ca-file FILE] [--federation-key-refresh SECONDS]

    Serves the Modal-compatible gRPC API (HTTP/2; point clients at it with
    MODAL_SERVER_URL=http://HOST:PORT, or https:// with TLS) and the web dashboard (sign-up, log-in,
    login approval for `modal token new`, tokens, members), with GET /healthz and /readyz on the
    dashboard's listener and grpc.health.v1.Health on the gRPC one. Logs one line per call or request
    to standard error. Stops cleanly on SIGTERM or SIGINT (writes buffered last-used times, closes the
    database).

    Options:
      --data-dir DIR             The data folder: key file (created if missing; replicas need the same
                                 one), SQLite database unless --database says otherwise
      --grpc-address HOST:PORT   Where the gRPC API listens (port 0 picks a free port; the log says which)
      --http-address HOST:PORT   Where the dashboard listens (port 0 picks a free port; the log says which)
      --public-url URL           The dashboard's public http:// or https:// URL, for login links and the
                                 token endpoint ClientHello names (default http(s)://<http-address>)
      --database URL             postgres://USER@HOST:PORT/DB (several replicas share it) or sqlite:PATH
                                 (default: $MODAL_SERVER_DATABASE_URL, else modal-server.sqlite3 in the data folder)
      --database-pool N          The most PostgreSQL connections this replica opens (default 8)
      --events-database URL      A direct PostgreSQL URL (a session of its own) for the connection that
                                 listens for other replicas' changes, needed when --database goes through
                                 a pooler in transaction mode such as PgBouncer (default:
                                 $MODAL_SERVER_EVENTS_DATABASE_URL, else --database; see docs/server.md)
      --tls-cert FILE            PEM certificate chain: serve gRPC and the dashboard over TLS (needs --tls-key)
      --tls-key FILE             PEM private key for --tls-cert
      --disable-signup           Nobody can create an account on the dashboard (use bootstrap)
      --http-connections-per-address N
                                 The most dashboard connections one client address may hold (default 16;
                                 0: no limit, for a balancer in front that hides client addresses)
      --flow-starts-per-minute N The most logins (`modal token new`) one client address may start per minute
                                 on this replica (default 60; 0: no limit, as above)
      --http-header-timeout SECONDS
                                 The time a dashboard connection has to send a whole request head (default 10)
      --grpc-max-streams N       The most concurrent calls one gRPC connection may hold (default 100)
      --grpc-memory-mb N         The memory the gRPC core may use for all connections together, in MiB
                                 (default 128; see docs/deployment.md)
      --grpc-pollers N           Completion queues polled, each by a thread of its own (default: one per
                                 processor, at most 8); all but the first park while calls come one at
                                 a time and return when they overlap (docs/benchmarks.md)
      --login-failures-per-address N
                                 The most failed dashboard logins one client address may make in 15 minutes,
                                 across all accounts (default 30; 0: no limit)
      --signups-per-address N    The most dashboard accounts one client address may create per hour
                                 (default 5; 0: no limit)
      --password-queue N         The most password checks from unknown browsers that may wait on this
                                 replica; more get 429 at once (default 16)
      --quota-secrets N          The most secrets one workspace may hold, ephemeral ones included (default 1000)
      --quota-secret-value-kib N The largest value of a secret, in KiB (default 64)
      --quota-secret-mib N       The most secret data one workspace may hold, in MiB (default 64)
      --quota-tokens N           The most live tokens one workspace may hold (default 1000)
      --quota-service-users N    The most service users one workspace may hold (default 100)
                                 (0 turns any quota off; see docs/deployment.md)
      --metrics-address HOST:PORT
                                 Serve Prometheus metrics at GET /metrics there (default: off)
      --log-format text|json     Log lines as text (default) or one JSON object per line
      --config FILE              Read these options from a TOML file: each key is an option's name without
                                 the dashes (grpc-address = "0.0.0.0:50051", database-pool = 16,
                                 disable-signup = true); options given here override it; unknown keys are
                                 refused (example: deploy/modal-server.toml)
      --audit-retention DURATION How long audit log entries are kept: 90d (default), 36h, or 0 to keep
                                 them all; older ones are deleted as the server runs (export them to a SIEM
                                 with `modal-server audit export` to keep them longer)
      --secret-scanning-keys FILE|URL
                                 GitHub's secret-scanning public keys ({"public_keys":[…]}), a file or
                                 https://api.github.com/meta/public_keys/secret_scanning itself: turns on
                                 POST /secret-scanning/github, which revokes reported tokens (docs/scanning.md)
      --federation-ca-file FILE  Extra CA certificates (PEM) trusted, beside the system's, when fetching
                                 OIDC discovery documents and JWKS for federation policies
      --federation-key-refresh SECONDS
                                 Least time between two fetches of an issuer's keys when a token names
                                 an unknown key id (default 60); keys are otherwise kept an hour

    """

  static let grpcAddress = Option<ListenAddress>.required(
    "--grpc-address", placeholder: "HOST:PORT", help: "Where the gRPC API listens",
    transform: ArgumentValues.address(option: "--grpc-address"))
  static let httpAddress = Option<ListenAddress>.required(
    "--http-address", placeholder: "HOST:PORT", help: "Where the dashboard listens",
    transform: ArgumentValues.address(option: "--http-address"))
  static let publicURL = Option<String?>("--public-url", placeholder: "URL", help: "The dashboard's public URL") {
    text throws(InvalidValue) in
    // It goes out in login links and in every ClientHello's `x-modal-token-endpoint` trailer, so
    // it must be a header value and carry no credentials. The value is not repeated: it may hold them.
    let scheme = ["http://", "https://"].first { text.hasPrefix($0) }
    let authority = scheme.map { text.dropFirst($0.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" } }
    guard let authority, !authority.isEmpty, text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
      throw InvalidValue(
        "--public-url must be an http:// or https:// URL with a host, without spaces or non-ASCII characters "
          + "(percent-encode them).")
    }
    guard !authority.contains("@") else {
      throw InvalidValue("--public-url must not hold a user name or password: give the address users open.")
    }
    return text
  }
  static let databasePool = Option<Int>(
    "--database-pool", placeholder: "N", default: 8, help: "The most PostgreSQL connections this replica opens"
  ) { text throws(InvalidValue) in
    guard let size = Int(text), (1...1000).contains(size) else {
      throw InvalidValue("--database-pool must be a number from 1 to 1000, not '\(text)'.")
    }
    return size
  }
  static let eventsDatabase = Option<String?>(
    "--events-database", placeholder: "URL",
    help: "A direct PostgreSQL URL for the listener of other replicas' changes (behind a transaction pooler)")
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

  static let headerTimeout = Option<Int>(
    "--http-header-timeout", placeholder: "SECONDS", default: 10,
    help: "The time a dashboard connection has to send a whole request head",
    transform: ArgumentValues.range(option: "--http-header-timeout", 1...600))
  static let grpcMaxStreams = Option<Int>(
    "--grpc-max-streams", placeholder: "N", default: 100, help: "The most concurrent calls one gRPC connection may hold",
    transform: ArgumentValues.range(option: "--grpc-max-streams", 1...10_000))
  static let grpcPollers = Option<Int>(
    "--grpc-pollers", placeholder: "N", default: ServerConfiguration.defaultPollers,
    help: "Completion queues polled, each by a thread of its own (default: one per processor, at most 8)",
    transform: ArgumentValues.range(option: "--grpc-pollers", 1...64))
  static let grpcMemory = Option<Int>(
    "--grpc-memory-mb", placeholder: "N", default: 128, help: "The memory the gRPC core may use, in MiB",
    transform: ArgumentValues.range(option: "--grpc-memory-mb", 16...1_048_576))

  static let loginFailures = Option<Int>(
    "--login-failures-per-address", placeholder: "N", default: 30,
    help: "The most failed dashboard logins one client address may make in 15 minutes",
    transform: ArgumentValues.count(option: "--login-failures-per-address"))
  static let signUps = Option<Int>(
    "--signups-per-address", placeholder: "N", default: 5,
    help: "The most dashboard accounts one client address may create per hour",
    transform: ArgumentValues.count(option: "--signups-per-address"))
  static let passwordQueue = Option<Int>(
    "--password-queue", placeholder: "N", default: 16,
    help: "The most password checks from unknown browsers that may wait",
    transform: ArgumentValues.range(option: "--password-queue", 0...10_000))

  static let quotaSecrets = Option<Int>(
    "--quota-secrets", placeholder: "N", default: 1000, help: "The most secrets one workspace may hold",
    transform: ArgumentValues.count(option: "--quota-secrets"))
  static let quotaValueKiB = Option<Int>(
    "--quota-secret-value-kib", placeholder: "N", default: 64, help: "The largest value of a secret, in KiB",
    transform: ArgumentValues.range(option: "--quota-secret-value-kib", 0...1_048_576))
  static let quotaSecretMiB = Option<Int>(
    "--quota-secret-mib", placeholder: "N", default: 64, help: "The most secret data one workspace may hold, in MiB",
    transform: ArgumentValues.range(option: "--quota-secret-mib", 0...1_048_576))
  static let quotaTokens = Option<Int>(
    "--quota-tokens", placeholder: "N", default: 1000, help: "The most live tokens one workspace may hold",
    transform: ArgumentValues.count(option: "--quota-tokens"))
  static let quotaServiceUsers = Option<Int>(
    "--quota-service-users", placeholder: "N", default: 100, help: "The most service users one workspace may hold",
    transform: ArgumentValues.count(option: "--quota-service-users"))

  static let metricsAddress = Option<ListenAddress?>(
    "--metrics-address", placeholder: "HOST:PORT", help: "Where Prometheus metrics are served (default: off)",
    transform: ArgumentValues.address(option: "--metrics-address"))
  static let logFormat = Option<LogFormat>(
    "--log-format", placeholder: "text|json", default: .text, help: "Log lines as text or JSON"
  ) { text throws(InvalidValue) in
    guard let format = LogFormat(rawValue: text) else {
      throw InvalidValue("--log-format must be text or json, not '\(text)'.")
    }
    return format
  }

  static let auditRetention = Option<Int64>(
    "--audit-retention", placeholder: "DURATION", default: AuditRetention.defaultSeconds,
    help: "How long audit log entries are kept (90d, 36h; 0 keeps them all)"
  ) { text throws(InvalidValue) in
    guard let seconds = AuditRetention.seconds(text) else {
      throw InvalidValue("--audit-retention must be a number of days or hours (90d, 36h) or 0 to keep every entry, not '\(text)'.")
    }
    return seconds
  }

  static let secretScanningKeys = Option<String?>(
    "--secret-scanning-keys", placeholder: "FILE|URL", help: "GitHub's secret-scanning public keys (JSON file or URL)")

  static let federationCAFile = Option<String?>(
    "--federation-ca-file", placeholder: "FILE", help: "Extra CA certificates for fetching OIDC issuers' keys")

  static let federationKeyRefresh = Option<Int>(
    "--federation-key-refresh", placeholder: "SECONDS", default: 60,
    help: "Least time between two key fetches for an unknown kid (default 60)",
    transform: ArgumentValues.range(option: "--federation-key-refresh", 1...3600))

  static let command = CommandTree.command(
    "serve", help: usage,
    options: [
      ServerOptions.dataDir, grpcAddress, httpAddress, publicURL, ServerOptions.database, databasePool, eventsDatabase,
      tlsCert, tlsKey,
      disableSignup, connectionsPerAddress, flowStartsPerMinute, headerTimeout, grpcMaxStreams, grpcMemory, grpcPollers,
      loginFailures, signUps, passwordQueue, quotaSecrets, quotaValueKiB, quotaSecretMiB, quotaTokens, quotaServiceUsers,
      metricsAddress, logFormat, ServeConfigFile.option, auditRetention, secretScanningKeys, federationCAFile, federationKeyRefresh,
    ],
    run: run)

  static func run(_ parsed: ServerInvocation) async throws {
    let grpc = parsed[Self.grpcAddress]
    let http = parsed[Self.httpAddress]
    var configuration = ServerApplication.Configuration(
      dataDirectory: parsed[ServerOptions.dataDir], grpcAddress: .init(host: grpc.host, port: grpc.port),
      httpAddress: .init(host: http.host, port: http.port))
    configuration.publicURL = parsed[Self.publicURL]
    configuration.database = ServerCommandLine.database(parsed[ServerOptions.database])
    configuration.databasePoolSize = parsed[Self.databasePool]
    configuration.eventsDatabase = ServerCommandLine.eventsDatabase(parsed[Self.eventsDatabase])
    configuration.tls = try tls(certificate: parsed[Self.tlsCert], key: parsed[Self.tlsKey])
    configuration.allowSignUp = !parsed[Self.disableSignup]
    configuration.httpConnectionsPerAddress = parsed[Self.connectionsPerAddress]
    configuration.flowStartsPerMinute = parsed[Self.flowStartsPerMinute]
    configuration.httpHeaderTimeoutSeconds = parsed[Self.headerTimeout]
    configuration.grpcMaxConcurrentStreams = parsed[Self.grpcMaxStreams]
    configuration.grpcMemoryQuotaMiB = parsed[Self.grpcMemory]
    configuration.grpcPollers = parsed[Self.grpcPollers]
    configuration.loginFailuresPerAddress = parsed[Self.loginFailures]
    configuration.signUpsPerAddressPerHour = parsed[Self.signUps]
    configuration.passwordQueue = parsed[Self.passwordQueue]
    configuration.quotas.secrets = parsed[Self.quotaSecrets]
    configuration.quotas.secretValueBytes = parsed[Self.quotaValueKiB] * 1024
    configuration.quotas.secretBytes = parsed[Self.quotaSecretMiB] * 1024 * 1024
    configuration.quotas.tokens = parsed[Self.quotaTokens]
    configuration.quotas.serviceUsers = parsed[Self.quotaServiceUsers]
    configuration.metricsAddress = parsed[Self.metricsAddress].map { .init(host: $0.host, port: $0.port) }
    configuration.logFormat = parsed[Self.logFormat]
    configuration.auditRetention = parsed[Self.auditRetention]
    configuration.secretScanningKeys = parsed[Self.secretScanningKeys]
    configuration.federationCAFile = parsed[Self.federationCAFile]
    configuration.federationKeyRefreshSeconds = parsed[Self.federationKeyRefresh]

    // Stop signals are handled by dispatch sources, so the default handlers must not kill us first.
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    signal(SIGPIPE, SIG_IGN)
    try await ServerApplication(configuration: configuration, errorOutput: parsed.output.err)
      .run(until: ServerApplication.stopSignal)
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
      throw CommandUsageError(message: "--tls-cert and --tls-key go together.", usage: usage)
    }
  }
}
