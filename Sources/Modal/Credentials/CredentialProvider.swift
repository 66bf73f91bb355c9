/// Finds a token pair for a ``ModalClient``: the seam where credentials come from.
///
/// A client asks its provider once, on the first call that needs credentials, and keeps the
/// answer; concurrent first calls share one resolution. The SDK's providers are the factory
/// values of ``AnyCredentialProvider`` (`.static`, `.environment`, `.profile`, `.secretCommand`,
/// `.chain`, `.default`); an app plugs in its own (a Keychain, a vault) by conforming a type:
///
/// ```swift
/// struct VaultProvider: CredentialProvider {
///   func credentials(context: CredentialContext) async throws(ModalError) -> Credentials {
///     Credentials(tokenID: "ak-…", tokenSecret: "as-…", source: .named("the team vault"))
///   }
/// }
/// let client = try ModalClient(credentialProvider: .custom(VaultProvider()))
/// ```
///
/// A provider that blocks a thread (runs a program, reads a slow device) does that work off
/// Swift's cooperative pool. To say "I have no credentials" so that a chain goes on to its next
/// provider, throw ``ModalError/noCredentials(_:)``; any other error ends the chain.
public protocol CredentialProvider: Sendable {
  /// The token pair, with a ``Credentials/source`` that names this provider.
  ///
  /// - Parameter context: The configuration the client was created with.
  /// - Throws: ``ModalError/noCredentials(_:)`` when this provider has none; any other
  ///   ``ModalError`` when it has some but cannot give them (half a pair, a failing command).
  func credentials(context: CredentialContext) async throws(ModalError) -> Credentials
}

/// What a ``CredentialProvider`` may read: the configuration (variables, home folder, files and
/// the selected profile) its client was created with.
public struct CredentialContext: Sendable {
  /// The configuration file, the selected profile and the host environment.
  public let config: ModalConfig
  /// How long a profile's `token_secret_command` may run.
  public let secretCommandTimeout: Duration
  /// The server URL the client was given in code, if any (it wins over the configuration's);
  /// the federation provider asks that server where its token endpoint is.
  public let serverURL: String?

  /// Creates a context.
  public init(config: ModalConfig, secretCommandTimeout: Duration = .seconds(60), serverURL: String? = nil) {
    self.config = config
    self.secretCommandTimeout = secretCommandTimeout
    self.serverURL = serverURL
  }

  /// Variables, home folder and file access.
  public var host: HostEnvironment { config.host }
}

extension ModalError {
  /// "This provider has no credentials": the error a ``CredentialProvider`` throws so that a chain
  /// tries its next provider.
  ///
  /// - Parameter reason: Which source was looked at and why it gave nothing, e.g. `macOS
  ///   Keychain: no item for service "modal"`; it becomes a line of "Sources tried, in order".
  public static func noCredentials(_ reason: String) -> ModalError {
    credentialsNotFound(tried: [reason])
  }

  /// The error of a chain whose sources all had nothing, listing each with why.
  static func credentialsNotFound(tried: [String]) -> ModalError {
    let list = tried.enumerated().map { "  \($0.offset + 1). \($0.element)" }.joined(separator: "\n")
    return ModalError(
      .missingCredentials,
      "Token missing. Could not authenticate client. Sources tried, in order:\n\(list)",
      remedy: "To fix it, do one of:\n  - run `modal setup` to log in through your browser and save a token,\n  - set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET in the environment,\n  - run `modal token set` to store a token you already have.",
      cause: nil, sourcesTried: tried)
  }
}
