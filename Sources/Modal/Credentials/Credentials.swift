/// A token pair, or OAuth credentials, and where they came from.
public struct Credentials: Sendable, Equatable, CustomStringConvertible {
  /// Where a token pair was found.
  public enum Source: Sendable, Equatable, CustomStringConvertible {
    /// Passed in code, e.g. `ModalClient(tokenID:tokenSecret:)`.
    case arguments
    /// `MODAL_TOKEN_ID` and `MODAL_TOKEN_SECRET`.
    case environment
    /// A profile of the configuration file.
    case profile(name: String, path: String)
    /// A profile's `token_id`, with the secret printed by its `token_secret_command`.
    case profileCommand(name: String, path: String)
    /// A profile's `token_id`, with the secret from the store its `token_secret_storage` names.
    case profileStore(name: String, path: String, storage: SecretStorage)
    /// Passed in code by a caller that says, in words, where the pair really came from (a
    /// command line: "the values given to `modal token set`").
    case named(String)
    /// Minted by an OIDC token exchange (workload identity federation) at `endpoint`, for the
    /// token from `subject` (e.g. `MODAL_OIDC_TOKEN_FILE`, `GitHub Actions`).
    case federation(endpoint: String, subject: String)

    /// Where the credentials came from, in words.
    public var description: String {
      switch self {
      case .arguments: return "arguments passed in code"
      case .environment: return "the MODAL_TOKEN_ID and MODAL_TOKEN_SECRET environment variables"
      case .profile(let name, let path): return "profile '\(name)' in \(path)"
      case .profileCommand(let name, let path): return "profile '\(name)' in \(path) (secret from its token_secret_command)"
      case .profileStore(let name, let path, let storage): return "profile '\(name)' in \(path) (secret in \(storage.storeDescription))"
      case .named(let description): return description
      case .federation(let endpoint, let subject): return "an OIDC token exchange at \(endpoint) for the token from \(subject)"
      }
    }
  }

  /// The token id (`ak-…`); not secret.
  public let tokenID: String
  /// The token secret (`as-…`). Never print it; use ``maskedSecret``.
  public let tokenSecret: String
  /// Where the pair was found.
  public let source: Source
  /// OAuth credentials instead of a token pair (then `tokenID` and `tokenSecret` are empty): calls
  /// carry the OAuth headers and never a token pair.
  public let oauth: OAuthCredentials?
  /// When a client should ask its provider again, because the pair is short-lived (a federation
  /// exchange's); nil for a pair that does not expire on its own.
  public let renewAt: ContinuousClock.Instant?

  /// Creates credentials.
  ///
  /// - Parameter renewAt: When the provider should be asked again (before the pair expires); nil
  ///   to keep the pair for the client's life.
  public init(tokenID: String, tokenSecret: String, source: Source, renewAt: ContinuousClock.Instant? = nil) {
    self.tokenID = tokenID
    self.tokenSecret = tokenSecret
    self.source = source
    self.oauth = nil
    self.renewAt = renewAt
  }

  /// Creates OAuth credentials (`MODAL_OAUTH_*` or a profile's `oauth_*` keys).
  public init(oauth: OAuthCredentials, source: Source) {
    self.tokenID = ""
    self.tokenSecret = ""
    self.source = source
    self.oauth = oauth
    self.renewAt = nil
  }

  /// The secret with all but its prefix and last four characters hidden: `as-****3f9Q`.
  public var maskedSecret: String { Self.mask(tokenSecret) }

  /// The token id as it may be shown: masked like a secret when it is one (`as-…`: the pair was
  /// swapped), since errors about such a pair are exactly when it gets printed.
  public var shownTokenID: String { Self.shownTokenID(tokenID) }

  /// The token id, the masked secret and the source; never the secret itself.
  public var description: String {
    if let oauth { return "\(oauth) from \(source)" }
    return "\(shownTokenID) (secret \(maskedSecret)) from \(source)"
  }

  /// `tokenID` as it may be shown: masked when it is really a secret (`as-…`).
  package static func shownTokenID(_ tokenID: String) -> String {
    tokenID.hasPrefix("as-") ? mask(tokenID) : tokenID
  }

  /// The 1-based position of the first character that is not printable ASCII (what tokens are made
  /// of, and all that gRPC headers can carry), or nil when there is none.
  package static func firstNonPrintableASCII(in value: String) -> Int? {
    guard let index = value.firstIndex(where: { character in !character.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) } })
    else { return nil }
    return value.distance(from: value.startIndex, to: index) + 1
  }

  /// Hides a secret: keeps an `xx-` prefix and the last four characters when it is long enough.
  public static func mask(_ secret: String) -> String {
    let characters = Array(secret)
    guard characters.count >= 12 else { return "****" }
    let prefix = characters.count > 3 && characters[2] == "-" ? String(characters[0..<3]) : ""
    return prefix + "****" + String(characters.suffix(4))
  }
}
