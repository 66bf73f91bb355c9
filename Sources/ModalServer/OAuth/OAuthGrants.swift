extension OAuthTokenEndpoint {
  /// The token endpoint of `backend`'s server, with every grant this server answers: a grant
  /// type is added here, one line each.
  package init(backend: Backend) {
    self.init(grants: [
      TokenExchangeGrant(dependencies: backend.dependencies), AuthorizationCodeGrant(dependencies: backend.dependencies),
    ])
  }
}
