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
public final class ModalClient: Sendable {
  /// Choices that override the environment and the configuration file.
  public struct Options: Sendable {
    /// A token id; must come with ``tokenSecret``.
    public var tokenID: String?
    /// A token secret; must come with ``tokenID``.
    public var tokenSecret: String?
    /// How ``tokenID`` and ``tokenSecret`` are described in errors: `.arguments` ("arguments passed
    /// in code") unless set, e.g. to `.named("the values given to `modal token set`")`.
    public var argumentsSource: Credentials.Source = .arguments
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
      channelOptions: ChannelOptions? = nil, tokenSecretCommandTimeout: Duration? = nil
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
    }
  }

  /// The configuration the client was created from.
  public let config: ModalConfig
  /// The credentials every request carries.
  public let credentials: Credentials
  /// The server URL, or a comma-separated list tried in order with staggered failover.
  public let serverURL: String
  /// The Modal environment name; empty means the workspace's default.
  public let environmentName: String
  /// Sends the calls.
  let transport: ModalTransport
  /// Caches the short-lived JWT from `AuthTokenGet`.
  let authTokens: AuthTokenManager

  /// Creates a client from options, the environment and the configuration file.
  ///
  /// Precedence: options, then `MODAL_*` environment variables, then the selected profile.
  /// - Throws: ``ModalError`` when the configuration is malformed or no credentials are found.
  public init(options: Options = Options()) throws(ModalError) {
    let host = options.host ?? .current
    let config = try ModalConfig(host: host, profile: options.profile, configPath: options.configPath)
    let resolver = CredentialResolver(
      config: config, secretCommandTimeout: options.tokenSecretCommandTimeout ?? TokenSecretCommand.defaultTimeout)
    let credentials = try resolver.resolve(
      tokenID: options.tokenID, tokenSecret: options.tokenSecret, argumentsSource: options.argumentsSource)
    self.config = config
    self.credentials = credentials
    let configuredURL = try config.string(.serverURL)
    let configuredEnvironment = try config.string(.environment)
    self.serverURL = options.serverURL.nonEmpty ?? configuredURL ?? Setting.defaultServerURL
    self.environmentName = options.environment.nonEmpty ?? configuredEnvironment ?? ""
    var policy = options.retryPolicy ?? RetryPolicy()
    let throttleWait = try config.value(of: .maxThrottleWait)
    if options.retryPolicy == nil, case .integer(let seconds)? = throttleWait {
      policy.maxThrottleWait = .seconds(seconds)
    }
    var headers: [(String, String)] = []
    let overrideHeaders = try config.value(of: Setting.named("override_headers")!)
    if case .table(let table)? = overrideHeaders {
      headers = table.entries.compactMap { entry in entry.value.stringValue.map { (entry.key, $0) } }
    }
    self.transport = try ModalTransport(
      serverURL: serverURL, credentials: credentials, profile: config.profileName, extraHeaders: headers,
      retryPolicy: policy, channelOptions: options.channelOptions, warningHandler: options.warningHandler)
    self.authTokens = AuthTokenManager()
  }

  /// Creates a client as ``init(options:)`` does, without blocking the calling task's thread:
  /// reading the configuration file and running a profile's `token_secret_command` (as long as a
  /// password manager waits for its passphrase, up to `tokenSecretCommandTimeout`) happen on a
  /// thread of their own, so Swift's cooperative pool keeps running other tasks meanwhile.
  ///
  ///     let client = try await ModalClient.make()
  public static func make(options: Options = Options()) async throws(ModalError) -> ModalClient {
    let outcome: Result<ModalClient, ModalError> = await BlockingWork.run(label: "modal.client-setup") {
      do throws(ModalError) {
        return .success(try ModalClient(options: options))
      } catch {
        return .failure(error)
      }
    }
    return try outcome.get()
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
}
