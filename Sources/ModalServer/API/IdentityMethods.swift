import ModalAPI
import ProtoWire
import RPC

/// ClientHello, TokenInfoGet, WorkspaceNameLookup, AuthTokenGet, TokensList, TokenDelete, TokenDisable,
/// TokenEnable.
extension MethodTable {
  mutating func registerIdentityMethods() {
    let backend = self.backend

    // Every valid token may say hello, describe itself, name its workspace and get a JWT: clients
    // need these to verify credentials and name profiles, whatever the token's scopes.
    authenticatedAtOnce(ModalClientMethods.clientHello) { _, _, _ throws(ServerError) in ClientHelloResponse() }

    authenticated(ModalClientMethods.tokenInfoGet) { _, caller, context throws(ServerError) in
      try await Self.announceFederatedOrigin(of: caller, backend: backend, context: context)
      var response = TokenInfoGetResponse()
      response.tokenID = caller.token.id.rawValue
      response.workspaceID = caller.workspace.id.rawValue
      response.workspaceName = caller.workspace.name
      response.tokenName = caller.token.name
      response.createdAt = ProtoWire.Timestamp(seconds: caller.token.createdAt.wholeSeconds)
      response.expiresAt = caller.token.expiresAt.map { ProtoWire.Timestamp(seconds: $0.wholeSeconds) }
      switch caller.identity {
      case .user(let user):
        response.identity = .userIdentity(UserIdentity(userID: user.id.rawValue, username: user.email))
      case .serviceUser(let serviceUser, let creator):
        var identity = ServiceUserIdentity(serviceUserID: serviceUser.id.rawValue, serviceUserName: serviceUser.name)
        identity.createdBy = creator.map { UserIdentity(userID: $0.id.rawValue, username: $0.email) }
        response.identity = .serviceUserIdentity(identity)
      }
      return response
    }

    authenticatedAtOnce(ModalClientMethods.workspaceNameLookup) { _, caller, _ throws(ServerError) in
      WorkspaceNameLookupResponse(workspaceName: caller.workspace.name, username: caller.workspace.name)
    }

    authenticatedAtOnce(ModalClientMethods.authTokenGet) { _, caller, _ throws(ServerError) in
      AuthTokenGetResponse(token: backend.authToken(for: caller))
    }

    authenticated(ModalClientMethods.tokensList) { _, caller, _ throws(ServerError) in
      try caller.require(.tokensRead, for: ModalClientMethods.tokensList)
      let now = backend.dependencies.clock.now()
      var response = TokensListResponse()
      for token in try await backend.tokens.list(for: caller) {
        var item = TokensListResponse.Token()
        item.tokenID = token.id.rawValue
        item.name = token.name
        item.createdAt = token.createdAt.seconds
        item.workspaceID = token.workspaceID.rawValue
        item.userID = token.owner.rawID
        item.memberID = token.owner.rawID
        item.memberDisplayname = try await displayName(of: token.owner, backend: backend)
        item.lastUsedAt = token.lastUsedAt?.seconds ?? 0
        item.expiresAt = token.expiresAt?.seconds
        // Deleted tokens stay listed, disabled, as `modal token list` shows them (docs/server.md).
        item.disabled =
          token.disabledAt != nil || token.revokedAt != nil || (token.expiresAt.map { $0 <= now } ?? false)
        response.tokens.append(item)
      }
      return response
    }

    authenticated(ModalClientMethods.tokenDelete) { request, caller, _ throws(ServerError) in
      try await backend.tokens.revoke(id: TokenID(rawValue: request.tokenID), by: caller)
      return Empty()
    }

    authenticated(ModalClientMethods.tokenDisable) { request, caller, _ throws(ServerError) in
      try await backend.tokens.setDisabled(request.tokenIds.map(TokenID.init(rawValue:)), disabled: true, by: caller)
      return Empty()
    }

    authenticated(ModalClientMethods.tokenEnable) { request, caller, _ throws(ServerError) in
      try await backend.tokens.setDisabled(request.tokenIds.map(TokenID.init(rawValue:)), disabled: false, by: caller)
      return Empty()
    }
  }
}

/// The email of a user owner or the name of a service user owner.
private func displayName(of owner: TokenOwner, backend: Backend) async throws(ServerError) -> String {
  let store = backend.dependencies.store
  switch owner {
  case .user(let id):
    return try await store.user(id: id)?.email ?? id.rawValue
  case .serviceUser(let id):
    return try await store.serviceUser(id: id)?.name ?? id.rawValue
  }
}

extension MethodTable {
  /// For a token minted by workload identity federation, the trailers
  /// `x-modal-federation-policy` and `x-modal-federation-subject` (percent-encoded) on
  /// TokenInfoGet, so `modal token info` can say where the token came from; the response message
  /// stays Modal's.
  static func announceFederatedOrigin(of caller: Caller, backend: Backend, context: ServerContext) async throws(ServerError) {
    guard case .serviceUser = caller.token.owner else { return }
    guard let origin = try await backend.dependencies.store.federatedOrigins(tokenIDs: [caller.token.id])[caller.token.id]
    else { return }
    context.addTrailingMetadata("x-modal-federation-policy", PercentEncoding.encode(origin.policyName))
    context.addTrailingMetadata("x-modal-federation-subject", PercentEncoding.encode(origin.subject))
  }
}
