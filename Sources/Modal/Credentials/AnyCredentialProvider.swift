/// A credential provider of any kind, with the SDK's providers as factory values:
///
/// ```swift
/// var options = ModalClient.Options()
/// options.credentialProvider = .chain([.environment, .profile("ci"), .custom(VaultProvider())])
/// ```
///
/// Printing one names the provider and never shows a secret.
public struct AnyCredentialProvider: CredentialProvider, CustomStringConvertible, CustomReflectable {
  private let base: any CredentialProvider
  /// The provider in words, e.g. `environment` or `chain(environment, profile 'ci')`.
  public let description: String

  /// Wraps a provider; `description` names it when printed (the type's name by default).
  public init(_ provider: some CredentialProvider, description: String? = nil) {
    self.base = provider
    self.description = description ?? String(describing: type(of: provider))
  }

  /// Asks the wrapped provider.
  public func credentials(context: CredentialContext) async throws(ModalError) -> Credentials {
    try await base.credentials(context: context)
  }

  /// The provider's description only: a static provider holds a secret.
  public var customMirror: Mirror { Mirror(self, children: ["description": description], displayStyle: .struct) }

  /// A provider of the app's own (Keychain, vault): it plugs in beside the SDK's.
  public static func custom(_ provider: some CredentialProvider) -> AnyCredentialProvider {
    provider as? AnyCredentialProvider ?? AnyCredentialProvider(provider)
  }

  /// A fixed pair, e.g. from the app's own settings. Resolving fails when either value is empty.
  ///
  /// - Parameter description: Where the pair really came from, in words (a command line: "the
  ///   values given to `modal token set`"); the source is then ``Credentials/Source/named(_:)``,
  ///   else ``Credentials/Source/arguments``.
  public static func `static`(tokenID: String, tokenSecret: String, description: String? = nil) -> AnyCredentialProvider {
    AnyCredentialProvider(
      StaticCredentialProvider(tokenID: tokenID, tokenSecret: tokenSecret, source: description.map { .named($0) } ?? .arguments),
      description: "static")
  }

  /// `MODAL_TOKEN_ID` and `MODAL_TOKEN_SECRET` (an empty variable counts as unset; exactly one
  /// set is an error naming the other).
  public static var environment: AnyCredentialProvider {
    AnyCredentialProvider(EnvironmentCredentialProvider(), description: "environment")
  }

  /// A profile's `token_id` and `token_secret` (or, without a secret, the first line its
  /// `token_secret_command` prints).
  ///
  /// - Parameters:
  ///   - name: The profile; nil for the client's selected one (`MODAL_PROFILE`, then
  ///     `active = true`, then `default`).
  ///   - configPath: The file to read; nil for the client's.
  public static func profile(_ name: String? = nil, configPath: String? = nil) -> AnyCredentialProvider {
    AnyCredentialProvider(
      ProfileCredentialProvider(name: name, configPath: configPath, mode: .keysOrCommand),
      description: name.map { "profile '\($0)'" } ?? "profile")
  }

  /// A profile's `token_id` with the secret printed by its `token_secret_command` (a password
  /// manager such as `pass show modal/work`), run off Swift's cooperative pool within the
  /// client's `tokenSecretCommandTimeout`.
  public static func secretCommand(profile name: String? = nil, configPath: String? = nil) -> AnyCredentialProvider {
    AnyCredentialProvider(
      ProfileCredentialProvider(name: name, configPath: configPath, mode: .commandOnly),
      description: name.map { "secretCommand(profile '\($0)')" } ?? "secretCommand")
  }

  /// Workload identity federation: the CI platform's OIDC token (`MODAL_OIDC_TOKEN_FILE`, read
  /// again for every exchange; `MODAL_OIDC_TOKEN`; or `MODAL_OIDC_PROVIDER=github-actions`)
  /// exchanged at the server's token endpoint (`MODAL_OIDC_TOKEN_ENDPOINT`, else the one the
  /// server names) for a short-lived pair, exchanged again at 80% of its lifetime; concurrent
  /// callers share one exchange. Without those variables it has no credentials.
  public static func federation() -> AnyCredentialProvider {
    AnyCredentialProvider(FederationCredentialProvider(), description: "federation")
  }

  /// The first provider that has credentials; its ``Credentials/source`` says which one answered.
  /// When none has any, the error lists every source tried, in order.
  public static func chain(_ providers: [AnyCredentialProvider]) -> AnyCredentialProvider {
    AnyCredentialProvider(
      ChainCredentialProvider(providers: providers),
      description: "chain(\(providers.map(\.description).joined(separator: ", ")))")
  }

  /// The documented precedence: `MODAL_TOKEN_ID`/`MODAL_TOKEN_SECRET`, then federation when the
  /// OIDC variables ask for it (``federation()``), then the selected profile (after checking that
  /// profile selection is not ambiguous). A client made with
  /// `Options.tokenID`/`tokenSecret` puts that pair first.
  public static var `default`: AnyCredentialProvider { .standard(tokenID: nil, tokenSecret: nil) }

  /// The default precedence with a pair passed in code first (empty values count as not given).
  static func standard(tokenID: String?, tokenSecret: String?) -> AnyCredentialProvider {
    AnyCredentialProvider(DefaultCredentialProvider(tokenID: tokenID.nonEmpty, tokenSecret: tokenSecret.nonEmpty), description: "default")
  }
}
