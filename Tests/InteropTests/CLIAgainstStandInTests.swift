import Foundation
import TestSupport
import Testing

/// The built `modal` command line against the Python stand-in server (real `modal_proto`).
@Suite(.serialized) struct CLIAgainstStandInTests {
  private func run(_ arguments: [String], _ folder: TemporaryFolder, _ variables: [String: String] = [:], stdin: String? = nil) throws -> ProcessOutput {
    var environment = ["PATH": "/usr/bin:/bin", "HOME": folder.path, "MODAL_CONFIG_PATH": folder.path + "/modal.toml"]
    environment.merge(variables) { $1 }
    return try ProcessRunner.run(ProcessRunner.product("modal"), arguments, environment: environment, stdin: stdin)
  }

  @Test func tokenSetVerifiesNamesTheProfileAfterTheWorkspaceAndWrites() throws {
    let server = try StandInServer(script: ["tokens": TransportInteropTests.tokens])
    let folder = TemporaryFolder()
    let result = try run(
      ["token", "set", "--token-id", "ak-ALICE", "--token-secret", "-"], folder, ["MODAL_SERVER_URL": server.url],
      stdin: "as-ALICESECRET0000000000\n")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == """
      Verifying token against \(server.url)
      Token verified successfully!
      Token written to \(folder.path)/modal.toml in profile alice-ws.

      """)
    #expect(folder.read("modal.toml") == "[alice-ws]\ntoken_id = \"ak-ALICE\"\ntoken_secret = \"as-ALICESECRET0000000000\"\nserver_url = \"\(server.url)\"\nactive = true\n")
    #expect(server.requests().map(\.method) == ["ClientHello", "WorkspaceNameLookup"])
    #expect(server.requests("WorkspaceNameLookup").first?.deadline.map { $0 > 2 && $0 <= 3.1 } == true)
    #expect(!result.stdout.contains("as-ALICESECRET") && !result.stderr.contains("as-ALICESECRET"))
  }

  @Test func tokenSetWithAWrongSecretFailsAndWritesNothing() throws {
    let server = try StandInServer(script: ["tokens": TransportInteropTests.tokens])
    let folder = TemporaryFolder()
    let result = try run(
      ["token", "set", "--token-id", "ak-ALICE", "--token-secret", "as-WRONG000000000000000"], folder,
      ["MODAL_SERVER_URL": server.url])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("Error: Token validation failed (stand-in)\n"))
    #expect(!result.stderr.contains("as-WRONG000000000000000"))
    // The checks fit where the pair came from: the command's own arguments, not a config file.
    #expect(result.stderr.contains("from the values given to `modal token set`. Check:"), "\(result.stderr)")
    #expect(!result.stderr.contains("passed in code") && !result.stderr.contains("right profile is selected"))
    #expect(folder.read("modal.toml") == nil)
  }

  @Test func tokenInfoPrintsAsPythonDoesAndSaysWhereTheTokenCameFrom() throws {
    let server = try StandInServer(script: ["tokens": TransportInteropTests.tokens])
    let folder = TemporaryFolder()
    folder.write("[alice-ws]\ntoken_id = \"ak-ALICE\"\ntoken_secret = \"as-ALICESECRET0000000000\"\nserver_url = \"\(server.url)\"\nactive = true\n", to: "modal.toml")
    let result = try run(["token", "info"], folder, ["TZ": "UTC"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == """
      (Using profile alice-ws in \(folder.path)/modal.toml)
      Token: ak-ALICE
      Name: laptop
      Workspace: alice-ws (ac-WORKSPACE000000000000)
      User: alice (us-USER00000000000000000)
      Created at: 2023-11-14 22:13:20 UTC
      Expires at: 2030-03-17 17:46:40 UTC

      """)
  }

  @Test func profileListLooksUpEveryWorkspace() throws {
    let server = try StandInServer(script: ["tokens": TransportInteropTests.tokens])
    let folder = TemporaryFolder()
    folder.write("""
      [alice-ws]
      token_id = "ak-ALICE"
      token_secret = "as-ALICESECRET0000000000"
      server_url = "\(server.url)"
      active = true

      [bob-ws]
      token_id = "ak-BOB"
      token_secret = "as-BOBSECRET000000000000"
      server_url = "\(server.url)"

      [broken]
      token_id = "ak-BOB"
      token_secret = "as-NOPE"
      server_url = "\(server.url)"

      [half]
      token_id = "ak-ALICE"
      server_url = "\(server.url)"

      """, to: "modal.toml")
    let table = try run(["profile", "list"], folder)
    #expect(table.status == 0)
    let lines = table.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(lines.contains("• alice-ws   alice-ws"))
    #expect(lines.contains("bob-ws     bob-ws"))
    #expect(lines.contains("broken     Unknown (authentication failure)"))
    #expect(lines.contains("half       Unknown (authentication failure)"))

    let withEnvironment = try run(["profile", "list"], folder, ["MODAL_TOKEN_ID": "ak-BOB", "MODAL_TOKEN_SECRET": "as-BOBSECRET000000000000", "MODAL_SERVER_URL": server.url])
    #expect(withEnvironment.stdout.hasSuffix("Using bob-ws workspace based on environment variables\n"))

    let json = try run(["profile", "list", "--json"], folder)
    let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
    #expect(parsed?.map { $0["workspace"] as? String } == ["alice-ws", "bob-ws", "Unknown (authentication failure)", "Unknown (authentication failure)"])
  }

  @Test func deleteExistingRevokesTheReplacedToken() throws {
    let server = try StandInServer(script: ["tokens": TransportInteropTests.tokens])
    let folder = TemporaryFolder()
    folder.write("[alice-ws]\ntoken_id = \"ak-BOB\"\ntoken_secret = \"as-BOBSECRET000000000000\"\nactive = true\n", to: "modal.toml")
    let result = try run(
      ["token", "set", "--token-id", "ak-ALICE", "--token-secret", "as-ALICESECRET0000000000", "--profile", "alice-ws", "--delete-existing"],
      folder, ["MODAL_SERVER_URL": server.url])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasSuffix("Previous token in profile alice-ws has been deleted.\n"))
    let deletion = try #require(server.requests("TokenDelete").first)
    #expect(deletion.header("x-modal-token-id") == "ak-BOB")
    #expect(deletion.body["token_id"] as? String == "ak-BOB")
  }

  @Test func activateAsksTheServerForTheDefaultEnvironment() throws {
    let server = try StandInServer(script: ["tokens": TransportInteropTests.tokens])
    let folder = TemporaryFolder()
    folder.write("[a]\ntoken_id = \"ak-ALICE\"\ntoken_secret = \"as-ALICESECRET0000000000\"\nserver_url = \"\(server.url)\"\n", to: "modal.toml")
    let result = try run(["profile", "activate", "a"], folder)
    #expect(result.stdout == "Active profile: a\nActive environment: main\n")
  }
}
