import TestSupport
import Testing

/// The server lookups of `modal profile list` and `modal profile activate`: profiles whose secret
/// comes from `token_secret_command`, servers that never answer, and the time activation may take.
@Suite struct ProfileLookupTests {
  @Test func listRunsTheTokenSecretCommand() async throws {
    let server = try StandInServer(script: [
      "tokens": ["ak-ALICE": ["secret": "as-ALICESECRET0000000000", "workspace": "alice-ws"]]
    ])
    let harness = CLIHarness()
    harness.folder.value.write(
      "[alice]\ntoken_id = \"ak-ALICE\"\ntoken_secret_command = \"printf 'as-ALICESECRET0000000000\\\\n'\"\nserver_url = \"\(server.url)\"\nactive = true\n\n"
        + "[broken]\ntoken_id = \"ak-ALICE\"\ntoken_secret_command = \"exit 3\"\nserver_url = \"\(server.url)\"\n")
    let result = await harness.run(["profile", "list", "--json"])
    #expect(result.code == 0, "\(result.err)")
    #expect(result.out.contains("\"name\": \"alice\",\n    \"workspace\": \"alice-ws\""), "\(result.out)")
    #expect(result.out.contains("\"name\": \"broken\",\n    \"workspace\": \"Unknown (authentication failure)\""), "\(result.out)")
    #expect(!result.out.contains("ALICESECRET") && !result.err.contains("ALICESECRET"))
  }

  @Test func listSaysTimedOutForAServerThatNeverAnswers() async throws {
    let server = try SilentServer()
    let harness = CLIHarness()
    harness.folder.value.write("[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nserver_url = \"\(server.url)\"\nactive = true\n")
    let result = await harness.run(["profile", "list", "--json"])
    #expect(result.out.contains("\"workspace\": \"Unknown (timed out)\""), "\(result.out)")
  }

  @Test func activateBoundsTheEnvironmentLookupIncludingTheSecretCommand() async throws {
    let server = try SilentServer()
    let harness = CLIHarness()
    harness.folder.value.write("[x]\ntoken_id = \"ak-1\"\ntoken_secret_command = \"sleep 100\"\nserver_url = \"\(server.url)\"\n")
    let start = ContinuousClock.now
    let result = await harness.run(["profile", "activate", "x"])
    #expect(ContinuousClock.now - start < .seconds(10))
    #expect(result.code == 0)
    #expect(result.out == "Active profile: x\n")
    #expect(harness.folder.value.read()?.hasSuffix("active = true\n") == true)
  }
}
