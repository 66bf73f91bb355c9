import Glibc
import Modal
import ModalCLI
import TestSupport
import Testing

/// `modal token exchange` against a loopback stand-in token endpoint: each output format, the
/// source options, GitHub Actions' mask line, errors.
@Suite struct TokenExchangeCommandTests {
  private func harness(_ standIn: TokenEndpointStandIn, _ variables: [String: String] = [:]) -> CLIHarness {
    var harness = CLIHarness()
    harness.variables = variables.merging(["MODAL_OIDC_TOKEN_ENDPOINT": standIn.endpoint, "PATH": "/usr/bin:/bin"]) { $1 }
    return harness
  }

  @Test func printsThePairAsEnvJSONAndGitHubEnvLines() async throws {
    let standIn = try TokenEndpointStandIn(expiresIn: 900)
    let harness = harness(standIn)
    let tokenFile = harness.folder.value.write("file-token\n", to: "oidc")
    let env = await harness.run(["token", "exchange", "--oidc-token-file", tokenFile])
    #expect(env.code == 0, "\(env.err)")
    #expect(env.out == "MODAL_TOKEN_ID=ak-fed1\nMODAL_TOKEN_SECRET=as-fedsecret1\nMODAL_ENVIRONMENT=prod\n")
    #expect(try standIn.seen().lastSubject == "file-token")

    let json = await harness.run(["token", "exchange", "--oidc-token", "given-token", "--format", "json"])
    #expect(json.code == 0)
    #expect(json.out.contains("\"token_id\": \"ak-fed2\""))
    #expect(json.out.contains("\"expires_in\": 900"))
    #expect(json.out.contains("\"workspace\": \"acme\""))
    #expect(try standIn.seen().lastSubject == "given-token")

    let console = CapturedConsole(lines: ["piped-token"])
    let piped = await harness.run(["token", "exchange", "--oidc-token", "-", "--format", "github-env"], console: console)
    #expect(piped.out == "MODAL_TOKEN_ID=ak-fed3\nMODAL_TOKEN_SECRET=as-fedsecret3\nMODAL_ENVIRONMENT=prod\n")
    #expect(try standIn.seen().lastSubject == "piped-token")
  }

  /// The export's credential-process keys exactly, in order, then `Expiration`: the exchange's
  /// start plus `expires_in`, in ISO 8601 UTC to the second, as AWS's credential_process writes it.
  @Test func credentialProcessCarriesTheExpiration() async throws {
    let standIn = try TokenEndpointStandIn(expiresIn: 900)
    let before = Int(time(nil))
    let result = await harness(standIn).run(["token", "exchange", "--oidc-token", "given", "--format", "credential-process"])
    let after = Int(time(nil))
    #expect(result.code == 0, "\(result.err)")
    let prefix = "{\"Version\":1,\"TokenId\":\"ak-fed1\",\"TokenSecret\":\"as-fedsecret1\",\"Expiration\":\""
    #expect(result.out.hasPrefix(prefix) && result.out.hasSuffix("Z\"}\n") && result.out.split(separator: "\n").count == 1, "\(result.out)")
    let stamp = String(result.out.dropFirst(prefix.count).prefix(20))
    let expiration = try #require(UnixTime(iso8601: stamp), "\(stamp)")
    #expect((before + 900...after + 900).contains(Int(expiration.seconds)), "\(stamp)")
  }

  @Test func underGitHubActionsTheSecretIsMaskedFirst() async throws {
    let standIn = try TokenEndpointStandIn(expiresIn: 900)
    let harness = harness(
      standIn,
      [
        "GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": standIn.githubURL,
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "gh-request-token", "MODAL_OIDC_AUDIENCE": "modal",
      ])
    let result = await harness.run(["token", "exchange", "--provider", "github-actions", "--format", "github-env"])
    #expect(result.code == 0, "\(result.err)")
    let lines = result.out.split(separator: "\n").map(String.init)
    #expect(lines.first == "::add-mask::as-fedsecret1")
    #expect(lines.dropFirst().first == "MODAL_TOKEN_ID=ak-fed1")
    #expect(try standIn.seen().audience == "modal")
  }

  @Test func refusalsAndBadOptionsSayWhatToDo() async throws {
    let standIn = try TokenEndpointStandIn(expiresIn: 900)
    let harness = harness(standIn)
    let refused = await harness.run(["token", "exchange", "--oidc-token", "refused"])
    #expect(refused.code != 0)
    #expect(refused.err.contains("(invalid_grant): aud does not contain the policy's audience"))
    #expect(!refused.err.contains("as-"))
    let none = await harness.run(["token", "exchange"])
    #expect(none.err.contains("No OIDC token to exchange"))
    let two = await harness.run(["token", "exchange", "--oidc-token", "a", "--provider", "github-actions"])
    #expect(two.err.contains("at most one of"))
    let format = await harness.run(["token", "exchange", "--oidc-token", "a", "--format", "yaml"])
    #expect(format.err.contains("--format yaml is not a known format") && format.err.contains("credential-process"))
    #expect(try standIn.seen().exchanges == 0)
  }
}
