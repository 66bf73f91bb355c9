import ModalAPI
import ProtoWire

extension ModalClient {
  /// The API tokens of the client's workspace: the token in use, the tokens the caller may see,
  /// and revoking one.
  public var tokens: Tokens { Tokens(client: self) }
}

/// The API tokens of a workspace, as `modal token info|list|revoke` use them.
///
/// ```swift
/// let info = try await client.tokens.info()
/// for token in try await client.tokens.list() where token.name == "old-ci" {
///   try await client.tokens.revoke(token.id)
/// }
/// ```
public struct Tokens: Sendable {
  let client: ModalClient

  /// The token in use: its workspace, who it acts for, when it was made and expires
  /// (`TokenInfoGet`).
  public func info(options: CallOptions = .standard) async throws(ModalError) -> TokenInfo {
    TokenInfo(try await client.call(ModalClientMethods.tokenInfoGet, TokenInfoGetRequest(), options: options))
  }

  /// The tokens of the workspace the caller may see, newest first (`TokensList`): members see
  /// their own, owners every one. Never a secret.
  public func list(options: CallOptions = .standard) async throws(ModalError) -> [TokenSummary] {
    try await client.call(ModalClientMethods.tokensList, Empty(), options: options).tokens
      .sorted { $0.createdAt > $1.createdAt }
      .map(TokenSummary.init)
  }

  /// Revokes a token at once (`TokenDelete`); revoking the token in use logs the client out.
  ///
  /// - Throws: ``ModalError`` (`notFound`) for a token that does not exist or that the caller may
  ///   not see.
  public func revoke(_ tokenID: String, options: CallOptions = .standard) async throws(ModalError) {
    _ = try await client.call(ModalClientMethods.tokenDelete, TokenDeleteRequest(tokenID: tokenID), options: options)
  }
}

/// Who a token acts for.
public enum TokenIdentity: Sendable, Hashable {
  /// A user or service user: an id and a name.
  public struct Account: Sendable, Hashable {
    /// The id (`us-…` for a user).
    public var id: String
    /// The user name, or the service user's name.
    public var name: String
  }

  /// A workspace member.
  case user(Account)
  /// A service user, and the member who created it when the server says.
  case serviceUser(Account, createdBy: Account?)
  /// The server did not say.
  case unknown
}

/// The token a client uses, as `TokenInfoGet` describes it.
public struct TokenInfo: Sendable, Hashable {
  /// The token's id (`ak-…`).
  public var id: String
  /// The token's name; empty when it has none.
  public var name: String
  /// The workspace's id.
  public var workspaceID: String
  /// The workspace's name.
  public var workspaceName: String
  /// Who the token acts for.
  public var identity: TokenIdentity
  /// When the token was created, when the server says.
  public var createdAt: UnixTime?
  /// When the token expires; nil when it never does.
  public var expiresAt: UnixTime?

  init(_ response: TokenInfoGetResponse) {
    id = response.tokenID
    name = response.tokenName
    workspaceID = response.workspaceID
    workspaceName = response.workspaceName
    if let user = response.userIdentity {
      identity = .user(.init(id: user.userID, name: user.username))
    } else if let service = response.serviceUserIdentity {
      identity = .serviceUser(
        .init(id: service.serviceUserID, name: service.serviceUserName),
        createdBy: service.createdBy.map { .init(id: $0.userID, name: $0.username) })
    } else {
      identity = .unknown
    }
    createdAt = response.createdAt.flatMap { UnixTime(ifSet: Double($0.seconds)) }
    expiresAt = response.expiresAt.flatMap { UnixTime(ifSet: Double($0.seconds)) }
  }
}

/// One token of a workspace, as `TokensList` describes it (never its secret).
public struct TokenSummary: Sendable, Hashable {
  /// Whether a token can be used.
  public enum Status: String, Sendable, Hashable {
    /// Usable.
    case active
    /// Disabled because its expiry passed.
    case expired
    /// Revoked (deleted) or disabled before its expiry: `TokensList` has one flag for both.
    case revoked
  }

  /// The token's id (`ak-…`).
  public var id: String
  /// The token's name; empty when it has none.
  public var name: String
  /// The workspace's id.
  public var workspaceID: String
  /// The member's id (the user's id when the server gives no member id).
  public var memberID: String
  /// The member's display name.
  public var memberName: String
  /// When the token was created.
  public var createdAt: UnixTime?
  /// When the token was last used; nil when never.
  public var lastUsedAt: UnixTime?
  /// When the token expires; nil when it never does.
  public var expiresAt: UnixTime?
  /// True when the server marks the token disabled (expired or revoked).
  public var disabled: Bool

  init(_ token: TokensListResponse.Token) {
    id = token.tokenID
    name = token.name
    workspaceID = token.workspaceID
    memberID = token.memberID.isEmpty ? token.userID : token.memberID
    memberName = token.memberDisplayname
    createdAt = UnixTime(ifSet: token.createdAt)
    lastUsedAt = UnixTime(ifSet: token.lastUsedAt)
    // Kept as sent, even 0: a disabled token with an expiry at or before now counts as expired.
    expiresAt = token.expiresAt.map { UnixTime(seconds: $0) }
    disabled = token.disabled
  }

  /// `active`, or for a disabled token `expired` when its expiry is at or before `now`, else
  /// `revoked` (as `modal token list` shows it).
  public func status(now: UnixTime) -> Status {
    guard disabled else { return .active }
    return (expiresAt.map { $0 <= now } ?? false) ? .expired : .revoked
  }
}
