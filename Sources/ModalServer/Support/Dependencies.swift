/// What every service of the server shares: the store, the keys, the clock, the settings and the
/// in-memory usage buffer.
package struct Dependencies: Sendable {
  /// Persistent state.
  package let store: any Store
  /// Hashing, signing and encryption keys.
  package let keys: ServerKeys
  /// Where "now" comes from.
  package let clock: ServerClock
  /// Tunables.
  package let settings: ServerSettings
  /// Last-used times waiting to be written.
  package let usage: UsageRecorder
  /// Recently verified callers, forgotten on every credential change (`StoreEvent`).
  package let callers: CallerCache
  /// Budgets for failed token checks, per id and per address.
  package let failedTokenChecks = FailedTokenChecks()
  /// What `/metrics` reports.
  package let metrics: ServerMetrics
  /// The addresses each token was seen calling from (`token.used_from_new_address`).
  package let tokenAddresses = TokenAddresses()

  /// Bundles the dependencies.
  package init(
    store: any Store, keys: ServerKeys, clock: ServerClock = .system, settings: ServerSettings = ServerSettings(),
    metrics: ServerMetrics = ServerMetrics()
  ) {
    self.store = store
    self.metrics = metrics
    self.keys = keys
    self.clock = clock
    self.settings = settings
    self.usage = UsageRecorder()
    let callers = CallerCache(lifetime: settings.callerCacheLifetime)
    store.events.subscribe { callers.handle($0) }
    self.callers = callers
  }
}

/// Tunables of the server, with the defaults `serve` uses.
package struct ServerSettings: Sendable {
  /// The base URL of the dashboard, for `web_url` of login flows (no trailing slash).
  package var publicURL: String
  /// How long a login flow can be approved and waited for.
  package var flowLifetime: Int64 = 600
  /// The longest single `TokenFlowWait` long-poll, in seconds.
  package var maximumWait: Double = 60
  /// How long an `AuthTokenGet` JWT is valid, in seconds.
  package var jwtLifetime: Int64 = 1200
  /// Tokens expiring sooner than this get an `x-modal-warning` on every call, in seconds.
  package var expiryWarning: Int64 = 7 * 86_400
  /// How long ephemeral secrets live, in seconds.
  package var ephemeralSecretLifetime: Int64 = 86_400
  /// The most secrets returned by one `SecretList` page.
  package var maximumPageSize: Int = 1000
  /// How long a verified caller is remembered (`CallerCache`); zero turns the cache off.
  package var callerCacheLifetime: Duration = .seconds(1)
  /// Login flows one client address may start per minute on one replica (`FlowStartLimiter`);
  /// 0 turns the limit off.
  package var flowStartsPerMinutePerAddress: Int = 60
  /// Failed dashboard logins one client address may make in 15 minutes, across all accounts
  /// (`LoginLimits`); 0 turns the limit off.
  package var loginFailuresPerAddress: Int = 30
  /// Dashboard sign-ups one client address may make per hour; 0 turns the limit off.
  package var signUpsPerAddressPerHour: Int = 5
  /// Password checks from strangers that may wait on one replica (`PasswordLane`); more get 429.
  package var passwordQueue: Int = 16
  /// What one workspace may hold.
  package var quotas = WorkspaceQuotas()
  /// How long audit entries are kept, in seconds (`serve --audit-retention`); 0 keeps them all.
  package var auditRetention: Int64 = AuditRetention.defaultSeconds
  /// Failed sign-in entries one address adds per minute; more are counted on the last one.
  package var auditFailuresPerMinute = 10
  /// Extra CA certificates (PEM) for fetching OIDC discovery documents and JWKS (`serve --federation-ca-file`).
  package var federationCAFile: String?
  /// Least seconds between two key fetches for a token naming an unknown `kid`.
  package var federationKeyRefreshSeconds = 60

  /// Creates settings with a public URL.
  package init(publicURL: String = "http://127.0.0.1:8080") {
    var url = publicURL
    while url.hasSuffix("/") { url.removeLast() }
    self.publicURL = url
  }
}
