public import RPC
import TOML

/// A client of Modal's API with its own credentials and settings.
///
/// Several clients with different credentials live side by side in one process: a client reads
/// nothing global after it is created.
///
/// ```swift
/// let client = try ModalClient()                                     // environment, then ~/.modal.toml
/// let other = try ModalClient(tokenID: "ak-…", tokenSecret: "as-…")  // explicit credentials
/// let hello = try await client.hello()                               // verifies the credentials
/// ```
///
/// Credentials come from a ``CredentialProvider`` (``AnyCredentialProvider/default`` unless
/// ``Options/credentialProvider`` says otherwise), asked on the first call that needs them, not
/// by the initializer: a slow `token_secret_command` never blocks creating a client.
public final class ModalClient: Sendable {
  /// Choices that override the environment and the configuration file.
  public struct Options: Sendable {
    /// A token id; must come with ``tokenSecret``. It goes first in the default precedence; an
    /// empty value counts as not given.
    public var tokenID: String?
    /// A token secret; must come with ``tokenID``.
    public var tokenSecret: String?
    /// Where credentials come from instead of the default precedence (e.g. `.profile("ci")`, a
    /// `.chain`, or `.custom(…)` for an app's Keychain); not together with ``tokenID``.
    public var credentialProvider: AnyCredentialProvider?
    /// The profile to use instead of `MODAL_PROFILE` or the active one.
    public var profile: String?
    /// The configuration file to read instead of `$MODAL_CONFIG_PATH` or `~/.modal.toml`.
    public var configPath: String?
    /// The server URL (or comma-separated failover list) instead of the configured one.
    public var serverURL: String?
    /// The Modal environment (e.g. `main`) instead of the configured one.
    public var environment: String?
    /// Variables, home folder and files to read; the current process's by default.
    public var host: HostEnvironment?
    /// Receives warnings the server sends (deprecations, limits); nil ignores them.
    public var warningHandler: (@Sendable (ServerWarning) -> Void)?
    /// The retry policy of calls; by default Python's, with `max_throttle_wait` from the config.
    public var retryPolicy: RetryPolicy?
    /// Channel settings such as trusted root certificates, proxy use and message size limits.
    public var channelOptions: ChannelOptions?
    /// How long a profile's `token_secret_command` may run; 60 s by default.
    public var tokenSecretCommandTimeout: Duration?

    /// Creates options; every one is optional.
    public init(
      tokenID: String? = nil, tokenSecret: String? = nil, profile: String? = nil, configPath: String? = nil,
      serverURL: String? = nil, environment: String? = nil, host: HostEnvironment? = nil,
      warningHandler: (@Sendable (ServerWarning) -> Void)? = nil, retryPolicy: RetryPolicy? = nil,
      channelOptions: ChannelOptions? = nil, tokenSecretCommandTimeout: Duration? = nil,
      credentialProvider: AnyCredentialProvider? = nil
    ) {
      self.tokenID = tokenID
      self.tokenSecret = tokenSecret
      self.profile = profile
      self.configPath = configPath
      self.serverURL = serverURL
      self.environment = environment
      self.host = host
      self.warningHandler = warningHandler
      self.retryPolicy = retryPolicy
      self.channelOptions = channelOptions
      self.tokenSecretCommandTimeout = tokenSecretCommandTimeout
      self.credentialProvider = credentialProvider
    }
  }

  /// The configuration the client was created from.
  public let config: ModalConfig
  /// The server URL, or a comma-separated list tried in order with staggered failover.
  public let serverURL: String
  /// The Modal environment name; empty means the workspace's default.
  public let environmentName: String
  /// Where the credentials come from (asked once, on first use).
  public var credentialProvider: AnyCredentialProvider { credentialCache.provider }
  /// Resolves the credentials on first use and keeps them.
  let credentialCache: CredentialCache
  /// Sends the calls.
  let transport: ModalTransport
  /// Caches the short-lived JWT from `AuthTokenGet`.
  let authTokens: AuthTokenManager

  /// Creates a client from options, the environment and the configuration file.
  ///
  /// Reads the configuration file; credentials are found later, on the first call that needs
  /// them (see ``credentials()``). Default precedence: options, then `MODAL_*` environment
  /// variables, then the selected profile.
  /// - Throws: ``ModalError`` when the configuration is malformed, or when options give both a
  ///   token pair and a credential provider.
  public init(options: Options = Options()) throws(ModalError) {
    let host = options.host ?? .current
    let config = try ModalConfig(host: host, profile: options.profile, configPath: options.configPath)
    let provider = try Self.provider(options)
    self.config = config
    self.credentialCache = CredentialCache(
      provider: provider,
      context: CredentialContext(
        config: config, secretCommandTimeout: options.tokenSecretCommandTimeout ?? TokenSecretCommand.defaultTimeout,
        serverURL: options.serverURL.nonEmpty))
    let configuredURL = try config.string(.serverURL)
    let configuredEnvironment = try config.string(.environment)
    self.serverURL = options.serverURL.nonEmpty ?? configuredURL ?? Setting.defaultServerURL
    self.environmentName = options.environment.nonEmpty ?? configuredEnvironment ?? ""
    self.transport = try ModalTransport(
      serverURL: serverURL, credentials: credentialCache, profile: config.profileName,
      extraHeaders: try Self.overrideHeaders(config), retryPolicy: try Self.retryPolicy(options, config),
      channelOptions: options.channelOptions, warningHandler: options.warningHandler)
    self.authTokens = AuthTokenManager()
  }

  /// Creates a client whose credentials come from `credentialProvider`; other settings come from
  /// the options, the environment and the configuration file.
  ///
  ///     let client = try ModalClient(credentialProvider: .chain([.environment, .profile("ci")]))
  public convenience init(credentialProvider: AnyCredentialProvider, options: Options = Options()) throws(ModalError) {
    var options = options
    options.credentialProvider = credentialProvider
    try self.init(options: options)
  }

  /// Creates a client with explicit credentials; other settings come from the environment and file.
  ///
  /// - Throws: ``ModalError`` (`missingCredentials`) when either value is empty: an unset setting
  ///   of the app must not quietly fall back to the machine's own credentials. (In ``Options`` an
  ///   empty value means "not given", as for `MODAL_*` variables.)
  public convenience init(tokenID: String, tokenSecret: String, options: Options = Options()) throws(ModalError) {
    for (label, value) in [("token id", tokenID), ("token secret", tokenSecret)] where value.isEmpty {
      throw ModalError(
        .missingCredentials, "The \(label) passed to ModalClient(tokenID:tokenSecret:) is empty.",
        remedy: "Pass the token's id (ak-…) and secret (as-…), or use ModalClient() to take them from the environment or the configuration file.")
    }
    var options = options
    options.tokenID = tokenID
    options.tokenSecret = tokenSecret
    try self.init(options: options)
  }

  /// The credentials every request carries, found by the client's provider on the first use and
  /// kept; concurrent first uses share one resolution.
  ///
  /// - Throws: ``ModalError`` when no source has credentials (the message lists every source
  ///   tried), a source has half a pair, or a `token_secret_command` fails.
  public func credentials() async throws(ModalError) -> Credentials {
    try await credentialCache.credentials()
  }

  /// The options' provider, or the default precedence with the options' pair first.
  private static func provider(_ options: Options) throws(ModalError) -> AnyCredentialProvider {
    guard let provider = options.credentialProvider else {
      return .standard(tokenID: options.tokenID, tokenSecret: options.tokenSecret)
    }
    guard options.tokenID.nonEmpty == nil, options.tokenSecret.nonEmpty == nil else {
      throw ModalError(
        .invalidArgument, "Options give both a token pair (tokenID, tokenSecret) and a credential provider.",
        remedy: "Pass one: the pair, or .static(tokenID:tokenSecret:) in the provider (e.g. inside a .chain).")
    }
    return provider
  }

  /// The options' retry policy, or Python's with `max_throttle_wait` from the configuration.
  private static func retryPolicy(_ options: Options, _ config: ModalConfig) throws(ModalError) -> RetryPolicy {
    let throttleWait = try config.value(of: .maxThrottleWait)  // read (and checked) even when unused
    if let policy = options.retryPolicy { return policy }
    var policy = RetryPolicy()
    if case .integer(let seconds)? = throttleWait { policy.maxThrottleWait = .seconds(seconds) }
    return policy
  }

  /// The configuration's `override_headers` table, as header pairs.
  private static func overrideHeaders(_ config: ModalConfig) throws(ModalError) -> [(String, String)] {
    guard let setting = Setting.named("override_headers"), case .table(let table)? = try config.value(of: setting) else { return [] }
    return table.entries.compactMap { entry in entry.value.stringValue.map { (entry.key, $0) } }
  }
}
