import ModalAPI
import ProtoWire

extension Workspace {
  /// The proxy tokens of the workspace (Modal's webhook tokens): create, list, rename, allow in or
  /// take away from an environment, delete.
  public var proxyTokens: ProxyTokens { ProxyTokens(client: client) }
}

/// Proxy tokens: `Modal-Key` / `Modal-Secret` pairs (`wk-…` / `ws-…`) that a reverse proxy checks
/// before a web service (modal-server's `GET /proxy-auth`), as `modal workspace proxy-tokens`
/// manages them. Changing them needs the role manager.
///
/// ```swift
/// let created = try await client.workspace.proxyTokens.create(name: "production-webhooks")
/// try await client.workspace.proxyTokens.allow(created.id, environment: "prod")
/// print("Modal-Key: \(created.id)", "Modal-Secret: \(created.secret)")
/// ```
public struct ProxyTokens: Sendable {
  let client: ModalClient

  /// Creates a token (`WebhookTokenCreate`); its secret is in the answer only, never again.
  public func create(name: String = "", options: CallOptions = .standard) async throws(ModalError) -> NewProxyToken {
    let response = try await client.call(
      ModalClientMethods.webhookTokenCreate, WebhookTokenCreateRequest(name: name), options: options)
    return NewProxyToken(id: response.tokenID, secret: response.tokenSecret)
  }

  /// The workspace's tokens, or with `environment` only those that work there
  /// (`WebhookTokenList`, `WebhookTokenListForEnvironment`). Never a secret.
  public func list(environment: String? = nil, options: CallOptions = .standard) async throws(ModalError)
    -> [ProxyToken]
  {
    let response: WebhookTokenListResponse
    if let environment {
      response = try await client.call(
        ModalClientMethods.webhookTokenListForEnvironment,
        WebhookTokenListForEnvironmentRequest(environmentName: environment), options: options)
    } else {
      response = try await client.call(ModalClientMethods.webhookTokenList, Empty(), options: options)
    }
    return response.tokens.map(ProxyToken.init)
  }

  /// Renames a token; an empty name removes it (`WebhookTokenUpdate`).
  @discardableResult
  public func update(_ tokenID: String, name: String, options: CallOptions = .standard) async throws(ModalError)
    -> ProxyToken
  {
    ProxyToken(
      try await client.call(
        ModalClientMethods.webhookTokenUpdate, WebhookTokenUpdateRequest(tokenID: tokenID, name: name),
        options: options))
  }

  /// Allows a token in an environment (`WebhookTokenEnvironmentAdd`); from then on it works only
  /// in the environments it is allowed in.
  public func allow(_ tokenID: String, environment: String, options: CallOptions = .standard) async throws(ModalError) {
    let environmentID = try await client.environments.get(environment, options: options).id
    _ = try await client.call(
      ModalClientMethods.webhookTokenEnvironmentAdd,
      WebhookTokenEnvironmentAddRequest(tokenID: tokenID, environmentID: environmentID), options: options)
  }

  /// Takes a token's access to an environment away (`WebhookTokenEnvironmentRemove`); it keeps
  /// working in the others it is allowed in.
  public func revoke(_ tokenID: String, environment: String, options: CallOptions = .standard) async throws(ModalError) {
    let environmentID = try await client.environments.get(environment, options: options).id
    _ = try await client.call(
      ModalClientMethods.webhookTokenEnvironmentRemove,
      WebhookTokenEnvironmentRemoveRequest(tokenID: tokenID, environmentID: environmentID), options: options)
  }

  /// The ids of the environments a token is allowed in (`WebhookTokenEnvironmentList`).
  public func environmentIDs(of tokenID: String, options: CallOptions = .standard) async throws(ModalError) -> [String] {
    try await client.call(
      ModalClientMethods.webhookTokenEnvironmentList, WebhookTokenEnvironmentListRequest(tokenID: tokenID),
      options: options
    ).environmentIds
  }

  /// Deletes a token; requests using it are refused from then on (`WebhookTokenDelete`).
  public func delete(_ tokenID: String, options: CallOptions = .standard) async throws(ModalError) {
    _ = try await client.call(ModalClientMethods.webhookTokenDelete, TokenDeleteRequest(tokenID: tokenID), options: options)
  }
}

/// A proxy token just created: its id (`Modal-Key`) and its secret (`Modal-Secret`), shown once.
public struct NewProxyToken: Sendable, Hashable {
  /// The id (`wk-…`).
  public var id: String
  /// The secret (`ws-…`).
  public var secret: String

  /// The `Authorization` header value that carries both: `Bearer wk-….ws-…`.
  public var bearer: String { "Bearer \(id).\(secret)" }
}

/// A proxy token as the list describes it (never its secret).
public struct ProxyToken: Sendable, Hashable {
  /// The id (`wk-…`).
  public var id: String
  /// The name; empty when it has none.
  public var name: String
  /// When it was created.
  public var createdAt: UnixTime?
  /// Who created it (a member's name or email).
  public var createdBy: String
  /// Whether it works only in the environments it is allowed in (else in every one).
  public var scoped: Bool

  init(_ token: WebhookToken) {
    id = token.tokenID
    name = token.name
    createdAt = UnixTime(ifSet: token.createdAt)
    createdBy = token.createdBy?.username ?? ""
    scoped = token.scoped
  }
}
