import Foundation
import Modal
import RPC
import TestSupport
import Testing

/// The federation credential provider against a loopback stand-in token endpoint: one exchange
/// for many concurrent callers, a new one before the pair expires, the token file read again,
/// GitHub Actions' token service, refusals with their OAuth code.
@Suite struct FederationProviderTests {
  private func context(_ folder: TemporaryFolder, _ variables: [String: String]) throws -> CredentialContext {
    CredentialContext(config: try ModalConfig(host: folder.host(variables.merging(["PATH": "/usr/bin:/bin"]) { $1 })))
  }

  @Test func twentyConcurrentCallersShareOneExchange() async throws {
    let standIn = try TokenEndpointStandIn(expiresIn: 600)
    let folder = TemporaryFolder()
    let context = try context(folder, ["MODAL_OIDC_TOKEN": "ci-token", "MODAL_OIDC_TOKEN_ENDPOINT": standIn.endpoint])
    let provider = AnyCredentialProvider.federation()
    let pairs = try await withThrowingTaskGroup(of: Credentials.self) { group in
      for _ in 0..<20 { group.addTask { try await provider.credentials(context: context) } }
      return try await group.reduce(into: [Credentials]()) { $0.append($1) }
    }
    #expect(pairs.count == 20)
    #expect(Set(pairs.map(\.tokenID)) == ["ak-fed1"])
    #expect(pairs[0].tokenSecret == "as-fedsecret1")
    #expect(pairs[0].source.description == "an OIDC token exchange at \(standIn.endpoint) for the token from MODAL_OIDC_TOKEN")
    let seen = try standIn.seen()
    #expect(seen.exchanges == 1)
    #expect(seen.lastSubject == "ci-token")
    #expect(seen.workspace == "", "no audience unless MODAL_OIDC_WORKSPACE asks")
  }

  @Test func theWorkspaceVariableIsSentAsTheAudience() async throws {
    let standIn = try TokenEndpointStandIn(expiresIn: 600)
    let folder = TemporaryFolder()
    let context = try context(
      folder,
      ["MODAL_OIDC_TOKEN": "ci-token", "MODAL_OIDC_TOKEN_ENDPOINT": standIn.endpoint, "MODAL_OIDC_WORKSPACE": "beta"])
    _ = try await AnyCredentialProvider.federation().credentials(context: context)
    #expect(try standIn.seen().workspace == "beta")
  }

  @Test func exchangesAgainBeforeExpiryAndRereadsTheTokenFile() async throws {
    let standIn = try TokenEndpointStandIn(expiresIn: 2)
    let folder = TemporaryFolder()
    let tokenFile = folder.write("first-token\n", to: "oidc-token")
    let context = try context(folder, ["MODAL_OIDC_TOKEN_FILE": tokenFile, "MODAL_OIDC_TOKEN_ENDPOINT": standIn.endpoint])
    let provider = AnyCredentialProvider.federation()
    let first = try await provider.credentials(context: context)
    let again = try await provider.credentials(context: context)
    #expect(first.tokenID == "ak-fed1" && again.tokenID == "ak-fed1")
    let renewAt = try #require(first.renewAt)
    // Renewed at 80% of the 2 s lifetime: well before the pair expires.
    #expect(renewAt - ContinuousClock.now < .milliseconds(1700))
    _ = folder.write("rotated-token\n", to: "oidc-token")
    try await Task.sleep(until: renewAt + .milliseconds(50))
    let renewed = try await provider.credentials(context: context)
    #expect(renewed.tokenID == "ak-fed2")
    let seen = try standIn.seen()
    #expect(seen.exchanges == 2)
    #expect(seen.lastSubject == "rotated-token")
  }

  @Test func aClientRenewsItsPairAcrossThreeLifetimes() async throws {
    let standIn = try TokenEndpointStandIn(expiresIn: 1)
    let folder = TemporaryFolder()
    let variables = ["MODAL_OIDC_TOKEN": "ci-token", "MODAL_OIDC_TOKEN_ENDPOINT": standIn.endpoint, "PATH": "/usr/bin:/bin"]
    let client = try ModalClient(options: ModalClient.Options(serverURL: "http://127.0.0.1:9", host: folder.host(variables)))
    var seenIDs: [String] = []
    let end = ContinuousClock.now + .milliseconds(3200)
    while ContinuousClock.now < end {
      let pair = try await client.credentials()
      #expect(pair.renewAt.map { $0 > ContinuousClock.now } == true, "a client was handed a pair past its renewal time")
      if seenIDs.last != pair.tokenID { seenIDs.append(pair.tokenID) }
      try await Task.sleep(for: .milliseconds(100))
    }
    #expect(seenIDs.count >= 3)
    #expect(try standIn.seen().exchanges == seenIDs.count)
  }

  @Test func githubActionsTokenServiceGivesTheSubjectToken() async throws {
    let standIn = try TokenEndpointStandIn(expiresIn: 600)
    let folder = TemporaryFolder()
    let context = try context(
      folder,
      [
        "MODAL_OIDC_PROVIDER": "github-actions", "ACTIONS_ID_TOKEN_REQUEST_URL": standIn.githubURL,
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "gh-request-token", "MODAL_OIDC_AUDIENCE": "modal://acme prod",
        "MODAL_OIDC_TOKEN_ENDPOINT": standIn.endpoint,
      ])
    let pair = try await AnyCredentialProvider.federation().credentials(context: context)
    #expect(pair.tokenID == "ak-fed1")
    let seen = try standIn.seen()
    #expect(seen.lastSubject == "gh-oidc-token")
    #expect(seen.audience == "modal://acme prod")
  }

  @Test func refusalsCarryTheirOAuthCodeAndNoSecret() async throws {
    let standIn = try TokenEndpointStandIn(expiresIn: 600)
    let folder = TemporaryFolder()
    let refused = await #expect(throws: ModalError.self) {
      try await AnyCredentialProvider.federation().credentials(
        context: context(folder, ["MODAL_OIDC_TOKEN": "refused", "MODAL_OIDC_TOKEN_ENDPOINT": standIn.endpoint]))
    }
    #expect(refused?.code == .authentication)
    #expect(refused?.message == "The token exchange was refused (invalid_grant): aud does not contain the policy's audience.")
    #expect(refused?.remedy?.contains("trust policy") == true)
    let missingFile = await #expect(throws: ModalError.self) {
      try await AnyCredentialProvider.federation().credentials(
        context: context(folder, ["MODAL_OIDC_TOKEN_FILE": folder.path + "/absent", "MODAL_OIDC_TOKEN_ENDPOINT": standIn.endpoint]))
    }
    #expect(missingFile?.message.contains("does not exist") == true)
    let both = await #expect(throws: ModalError.self) {
      try await AnyCredentialProvider.federation().credentials(
        context: context(folder, ["MODAL_OIDC_TOKEN": "a", "MODAL_OIDC_PROVIDER": "github-actions"]))
    }
    #expect(both?.code == .invalidSetting)
    let noGitHub = await #expect(throws: ModalError.self) {
      try await AnyCredentialProvider.federation().credentials(context: context(folder, ["MODAL_OIDC_PROVIDER": "github-actions"]))
    }
    #expect(noGitHub?.remedy?.contains("id-token: write") == true)
    #expect(try standIn.seen().exchanges == 0)
  }

  @Test func withoutTheVariablesTheDefaultChainGoesOn() async throws {
    let folder = TemporaryFolder()
    let context = try context(folder, ["MODAL_TOKEN_ID": "ak-env", "MODAL_TOKEN_SECRET": "as-env-secret"])
    let pair = try await AnyCredentialProvider.default.credentials(context: context)
    #expect(pair.source == .environment)
    let none = await #expect(throws: ModalError.self) {
      try await AnyCredentialProvider.federation().credentials(context: self.context(folder, [:]))
    }
    #expect(none?.sourcesTried == ["federation: MODAL_OIDC_TOKEN_FILE, MODAL_OIDC_TOKEN and MODAL_OIDC_PROVIDER are not set"])
  }
}
