/// A fixed pair (`.static`).
struct StaticCredentialProvider: CredentialProvider {
  let tokenID: String
  let tokenSecret: String
  let source: Credentials.Source

  func credentials(context: CredentialContext) async throws(ModalError) -> Credentials {
    for (label, value) in [("token id", tokenID), ("token secret", tokenSecret)] where value.isEmpty {
      throw ModalError(
        .missingCredentials, "The \(label) given to the static credential provider is empty.",
        remedy: "Pass the token's id (ak-…) and secret (as-…), or use another provider (.environment, .profile).")
    }
    return Credentials(tokenID: tokenID, tokenSecret: tokenSecret, source: source)
  }
}

/// `MODAL_TOKEN_ID` and `MODAL_TOKEN_SECRET`, as a pair (difference D1) and with empty meaning
/// unset (D2).
struct EnvironmentCredentialProvider: CredentialProvider {
  func credentials(context: CredentialContext) async throws(ModalError) -> Credentials {
    let host = context.host
    switch (host.modalVariable("MODAL_TOKEN_ID"), host.modalVariable("MODAL_TOKEN_SECRET")) {
    case (let id?, let secret?):
      return Credentials(tokenID: id, tokenSecret: secret, source: .environment)
    case (.some, nil):
      throw Self.halfPair(set: "MODAL_TOKEN_ID", missing: "MODAL_TOKEN_SECRET")
    case (nil, .some):
      throw Self.halfPair(set: "MODAL_TOKEN_SECRET", missing: "MODAL_TOKEN_ID")
    case (nil, nil):
      throw .noCredentials("environment: MODAL_TOKEN_ID and MODAL_TOKEN_SECRET are not set")
    }
  }

  private static func halfPair(set: String, missing: String) -> ModalError {
    ModalError(
      .missingCredentials, "\(set) is set but \(missing) is not; a token id and secret must come from the same place.",
      remedy: "Set \(missing) too, or unset \(set) to use the credentials of your config file.")
  }
}

/// Tries providers in order; the first with credentials answers (`.chain`).
struct ChainCredentialProvider: CredentialProvider {
  let providers: [AnyCredentialProvider]

  func credentials(context: CredentialContext) async throws(ModalError) -> Credentials {
    var tried: [String] = []
    for provider in providers {
      do {
        return try await provider.credentials(context: context)
      } catch where !error.sourcesTried.isEmpty {
        tried += error.sourcesTried
      }
    }
    throw .credentialsNotFound(tried: tried)
  }
}

/// The seed's precedence (`.default`): a pair passed in code, then the environment, then
/// federation when asked for, then the selected profile; profile selection must be unambiguous
/// before the environment is read, as in the Python client.
struct DefaultCredentialProvider: CredentialProvider {
  let tokenID: String?
  let tokenSecret: String?
  /// Made once, so the client keeps its exchanged pair between calls.
  let federation = AnyCredentialProvider.federation()

  func credentials(context: CredentialContext) async throws(ModalError) -> Credentials {
    switch (tokenID, tokenSecret) {
    case (let id?, let secret?):
      return Credentials(tokenID: id, tokenSecret: secret, source: .arguments)
    case (.some, nil):
      throw ModalError(.missingCredentials, "A token id was passed in code without a token secret.", remedy: "Pass both tokenID and tokenSecret, or neither.")
    case (nil, .some):
      throw ModalError(.missingCredentials, "A token secret was passed in code without a token id.", remedy: "Pass both tokenID and tokenSecret, or neither.")
    case (nil, nil):
      break
    }
    try context.config.checkProfiles()
    // Python reads OAuth settings before the token pair and refuses a mix of the two.
    if let (oauth, source) = try OAuthSettings.resolve(context.config) {
      return Credentials(oauth: oauth, source: source)
    }
    do {
      return try await ChainCredentialProvider(providers: [.environment, federation, .profile()]).credentials(context: context)
    } catch where !error.sourcesTried.isEmpty {
      throw .credentialsNotFound(tried: ["arguments: none passed in code"] + error.sourcesTried)
    }
  }
}
