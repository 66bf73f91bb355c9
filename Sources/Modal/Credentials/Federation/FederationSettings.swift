/// What the environment asks of the federation provider: where the OIDC token comes from and
/// where to exchange it. Absent (nil from ``init(host:)``) unless one of `MODAL_OIDC_TOKEN_FILE`,
/// `MODAL_OIDC_TOKEN` or `MODAL_OIDC_PROVIDER` is set: federation is used only when asked for.
package struct FederationSettings: Sendable, Equatable {
  /// Where the subject token (the CI platform's OIDC token) is read from.
  package enum SubjectSource: Sendable, Equatable {
    /// A file read again before every exchange, as Kubernetes projected tokens rotate it.
    case file(String)
    /// A fixed token.
    case literal(String)
    /// GitHub Actions' token service: `ACTIONS_ID_TOKEN_REQUEST_URL` with
    /// `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, for `audience` when given.
    case githubActions(requestURL: String, requestToken: String, audience: String?)
  }

  /// Where the subject token comes from.
  package var subject: SubjectSource
  /// `MODAL_OIDC_TOKEN_ENDPOINT`: the exchange URL; nil to ask the server (see
  /// ``TokenEndpointDiscovery``).
  package var tokenEndpoint: String?
  /// `MODAL_OIDC_CA_FILE`: CA certificates (PEM) for the token endpoint and the CI's token
  /// service, for a private CA; nil for the system's.
  package var caFile: String?
  /// `MODAL_OIDC_SCOPE`: narrows the minted token to these scopes; nil for the policy's.
  package var scope: String?
  /// `MODAL_OIDC_WORKSPACE`: the workspace to mint in (the exchange's `audience`), needed only when
  /// several workspaces trust the same token; nil to let the server pick the one that does.
  package var workspace: String?

  /// Creates settings from their parts.
  package init(
    subject: SubjectSource, tokenEndpoint: String? = nil, caFile: String? = nil, scope: String? = nil, workspace: String? = nil
  ) {
    self.subject = subject
    self.tokenEndpoint = tokenEndpoint
    self.caFile = caFile
    self.scope = scope
    self.workspace = workspace
  }

  /// The settings the variables ask for; nil when none of the OIDC variables is set.
  ///
  /// - Throws: ``ModalError/Code/invalidSetting`` when they are set but cannot be used (two
  ///   sources at once, an unknown provider, GitHub's variables missing).
  package init?(host: HostEnvironment) throws(ModalError) {
    let file = host.modalVariable("MODAL_OIDC_TOKEN_FILE")
    let token = host.modalVariable("MODAL_OIDC_TOKEN")
    let provider = host.modalVariable("MODAL_OIDC_PROVIDER")
    let given = [("MODAL_OIDC_TOKEN_FILE", file), ("MODAL_OIDC_TOKEN", token), ("MODAL_OIDC_PROVIDER", provider)]
      .filter { $0.1 != nil }.map(\.0)
    guard !given.isEmpty else { return nil }
    guard given.count == 1 else {
      throw ModalError(
        .invalidSetting, "\(given.joined(separator: " and ")) are all set; the OIDC token must come from one place.",
        remedy: "Unset all but one of them.")
    }
    let subject: SubjectSource
    if let file {
      subject = .file(file)
    } else if let token {
      subject = .literal(token)
    } else {
      subject = try Self.platform(provider ?? "", host: host)
    }
    self.init(
      subject: subject, tokenEndpoint: host.modalVariable("MODAL_OIDC_TOKEN_ENDPOINT"),
      caFile: host.modalVariable("MODAL_OIDC_CA_FILE"), scope: host.modalVariable("MODAL_OIDC_SCOPE"),
      workspace: host.modalVariable("MODAL_OIDC_WORKSPACE"))
  }

  /// The CI platform `MODAL_OIDC_PROVIDER` names, with the variables it needs.
  private static func platform(_ name: String, host: HostEnvironment) throws(ModalError) -> SubjectSource {
    guard name == "github-actions" else {
      throw ModalError(
        .invalidSetting, "MODAL_OIDC_PROVIDER is '\(name)', which is not a known CI platform.",
        remedy: "Use MODAL_OIDC_PROVIDER=github-actions, or give the token with MODAL_OIDC_TOKEN_FILE or MODAL_OIDC_TOKEN.")
    }
    guard let url = host.modalVariable("ACTIONS_ID_TOKEN_REQUEST_URL"),
      let requestToken = host.modalVariable("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
    else {
      throw ModalError(
        .invalidSetting,
        "MODAL_OIDC_PROVIDER=github-actions, but ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set.",
        remedy: "Give the job `permissions: id-token: write` in the workflow, so GitHub sets both.")
    }
    return .githubActions(requestURL: url, requestToken: requestToken, audience: host.modalVariable("MODAL_OIDC_AUDIENCE"))
  }
}
