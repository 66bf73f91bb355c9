import RPC

extension ServerApplication {
  /// Everything `modal-server serve` can be told, typed, with the defaults of its flags.
  ///
  /// Named `ServerApplication.Configuration` rather than `ServerConfiguration`, which is the gRPC
  /// listener's configuration in `RPC` and is used beside it.
  package struct Configuration: Sendable {
    /// A host and port to listen on (port 0 picks a free one).
    package struct Address: Sendable, Equatable {
      /// An IP address or host name.
      package var host: String
      /// The port; 0 picks a free one.
      package var port: Int

      /// The address `host:port`.
      package init(host: String, port: Int) {
        self.host = host
        self.port = port
      }
    }

    /// A PEM certificate chain and private key: both listeners serve TLS.
    package typealias TLS = HTTPServerConfiguration.TLS

    /// The data folder (`--data-dir`).
    package var dataDirectory: String
    /// Where the gRPC API listens (`--grpc-address`).
    package var grpcAddress: Address
    /// Where the dashboard listens (`--http-address`).
    package var httpAddress: Address
    /// The dashboard's public URL for login links (`--public-url`); `nil`: the dashboard's own address.
    package var publicURL: String?
    /// The store's URL (`--database` or `$MODAL_SERVER_DATABASE_URL`); `nil`: SQLite in the data folder.
    package var database: String?
    /// The most PostgreSQL connections this replica opens (`--database-pool`).
    package var databasePoolSize = 8
    /// A direct (session) PostgreSQL URL for the listener of other replicas' changes, when
    /// `database` goes through a pooler in transaction mode (`--events-database`); `nil`: `database`.
    package var eventsDatabase: String?
    /// TLS for both listeners (`--tls-cert`, `--tls-key`); `nil` serves plaintext.
    package var tls: TLS?
    /// Whether visitors may create accounts on the dashboard (`--disable-signup` turns it off).
    package var allowSignUp = true
    /// The most dashboard connections one client address may hold; 0: no limit.
    package var httpConnectionsPerAddress = 16
    /// The most logins one client address may start per minute on this replica; 0: no limit.
    package var flowStartsPerMinute = 60
    /// The most concurrent calls one gRPC connection may hold (`--grpc-max-streams`).
    package var grpcMaxConcurrentStreams = 100
    /// The memory the gRPC core may use for all connections together, in MiB (`--grpc-memory-mb`).
    package var grpcMemoryQuotaMiB = 128
    /// How many completion queues the gRPC server polls, each with a thread (`--grpc-pollers`).
    package var grpcPollers = ServerConfiguration.defaultPollers
    /// The flow-control window of each gRPC stream, in bytes (how much a call may send unread).
    package var grpcStreamWindowBytes = 64 * 1024
    /// The largest request metadata (all headers of one call) the gRPC API accepts, in bytes.
    package var grpcMaxMetadataBytes = 8 * 1024
    /// Seconds a dashboard connection has to send a whole request head (`--http-header-timeout`): a
    /// total deadline, not an idle timeout that every byte restarts.
    package var httpHeaderTimeoutSeconds = 10
    /// Failed dashboard logins one client address may make in 15 minutes, across all accounts
    /// (`--login-failures-per-address`); 0: no limit.
    package var loginFailuresPerAddress = 30
    /// Dashboard accounts one client address may create per hour (`--signups-per-address`); 0: no limit.
    package var signUpsPerAddressPerHour = 5
    /// Password checks from unknown browsers that may wait on this replica (`--password-queue`).
    package var passwordQueue = 16
    /// What one workspace may hold (`--quota-secrets`, `--quota-secret-value-kib`, `--quota-secret-mib`,
    /// `--quota-tokens`, `--quota-service-users`).
    package var quotas = WorkspaceQuotas()
    /// How long audit entries are kept, in seconds (`--audit-retention`); 0 keeps them all.
    package var auditRetention = AuditRetention.defaultSeconds
    /// Extra CA certificates for fetching OIDC issuers' keys (`--federation-ca-file`).
    package var federationCAFile: String?
    /// Least seconds between two key fetches for an unknown `kid` (`--federation-key-refresh`).
    package var federationKeyRefreshSeconds = 60
    /// Where `/metrics` is served (`--metrics-address`); `nil`: nowhere.
    package var metricsAddress: Address?
    /// How log lines are written (`--log-format`).
    package var logFormat = LogFormat.text
    /// GitHub's secret-scanning public keys document, a file or a URL (`--secret-scanning-keys`);
    /// `nil` leaves `POST /secret-scanning/github` off.
    package var secretScanningKeys: String?

    /// A configuration with the defaults of every optional flag.
    package init(dataDirectory: String, grpcAddress: Address, httpAddress: Address) {
      self.dataDirectory = dataDirectory
      self.grpcAddress = grpcAddress
      self.httpAddress = httpAddress
    }

    /// `https` with TLS, else `http`.
    var scheme: String { tls == nil ? "http" : "https" }

    /// The public URL: `--public-url`, else the dashboard's address with the port it listens on.
    func publicURL(httpPort: Int) -> String {
      let host = httpAddress.host
      return publicURL ?? "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(httpPort)"
    }
  }
}
