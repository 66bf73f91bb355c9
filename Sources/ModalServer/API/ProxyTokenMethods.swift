import ModalAPI
import ProtoWire
import RPC

/// WebhookTokenCreate, WebhookTokenList, WebhookTokenListForEnvironment, WebhookTokenUpdate,
/// WebhookTokenEnvironmentAdd, WebhookTokenEnvironmentList, WebhookTokenEnvironmentRemove,
/// WebhookTokenDelete: Modal's names for proxy tokens.
extension MethodTable {
  mutating func registerProxyTokenMethods() {
    let service = backend.proxyTokens

    authenticated(ModalClientMethods.webhookTokenCreate) { request, caller, _ throws(ServerError) in
      let (token, secret) = try await service.create(name: request.name, scoped: request.scoped, by: caller)
      return TokenCreateResponse(tokenID: token.id.rawValue, tokenSecret: secret)
    }

    authenticated(ModalClientMethods.webhookTokenList) { _, caller, _ throws(ServerError) in
      WebhookTokenListResponse(tokens: try await service.list(environmentName: nil, for: caller).map(webhookToken))
    }

    authenticated(ModalClientMethods.webhookTokenListForEnvironment) { request, caller, _ throws(ServerError) in
      WebhookTokenListResponse(
        tokens: try await service.list(environmentName: request.environmentName, for: caller).map(webhookToken))
    }

    authenticated(ModalClientMethods.webhookTokenUpdate) { request, caller, _ throws(ServerError) in
      let id = ProxyTokenID(rawValue: request.tokenID)
      // An unset name changes nothing; the answer is the token as it is.
      guard let name = request.name else { return webhookToken(try await service.get(id, for: caller)) }
      return webhookToken(try await service.rename(id, to: name, by: caller))
    }

    authenticated(ModalClientMethods.webhookTokenEnvironmentList) { request, caller, _ throws(ServerError) in
      let ids = try await service.environments(of: ProxyTokenID(rawValue: request.tokenID), for: caller)
      return WebhookTokenEnvironmentListResponse(environmentIds: ids.map(\.rawValue))
    }

    authenticated(ModalClientMethods.webhookTokenEnvironmentAdd) { request, caller, _ throws(ServerError) in
      try await service.setEnvironment(
        ProxyTokenID(rawValue: request.tokenID), environment: EnvironmentID(rawValue: request.environmentID),
        allowed: true, by: caller)
      return Empty()
    }

    authenticated(ModalClientMethods.webhookTokenEnvironmentRemove) { request, caller, _ throws(ServerError) in
      try await service.setEnvironment(
        ProxyTokenID(rawValue: request.tokenID), environment: EnvironmentID(rawValue: request.environmentID),
        allowed: false, by: caller)
      return Empty()
    }

    authenticated(ModalClientMethods.webhookTokenDelete) { request, caller, _ throws(ServerError) in
      try await service.delete(ProxyTokenID(rawValue: request.tokenID), by: caller)
      return Empty()
    }
  }
}

/// The wire form of a proxy token (never its secret or hash).
private func webhookToken(_ token: ProxyTokenRecord) -> WebhookToken {
  WebhookToken(
    tokenID: token.id.rawValue, createdAt: token.createdAt.seconds, scoped: token.scoped, name: token.name,
    createdBy: UserIdentity(userID: token.createdByID, username: token.createdByName))
}
