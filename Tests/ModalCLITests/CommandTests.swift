import Foundation
import Modal
import TOML
import TestSupport
import Testing

@Suite struct ConfigCommandTests {
  @Test func showPrintsEveryPublicSettingAsPythonDoes() async {
    var harness = CLIHarness()
    harness.folder.value.write("[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-2\"\nactive = true\nlogs_timeout = 5\nmax_throttle_wait = 3\nsandbox_v2 = \"0\"\n")
    harness.variables = [:]
    let result = await harness.run(["config", "show", "--no-redact"])
    #expect(result.code == 0)
    #expect(result.out == """
      {
        "async_warnings": true,
        "build_validation": "error",
        "default_cloud": null,
        "dev_suffix": "",
        "disable_api_proxy": false,
        "environment": null,
        "force_build": false,
        "ignore_cache": false,
        "image_builder_version": null,
        "log_format": "STRING",
        "log_pattern": null,
        "loglevel": "WARNING",
        "logs_timeout": 5.0,
        "max_throttle_wait": 3,
        "oauth_client_id": null,
        "oauth_client_secret": null,
        "oauth_jwt_key": null,
        "oauth_refresh_token": null,
        "payload_format": "pickle",
        "sandbox_channel_idle_timeout": 30,
        "sandbox_v2": false,
        "serve_timeout": null,
        "server_url": "https://api.modal.com,https://api.modal2.com",
        "token_id": "ak-1",
        "token_secret": "as-2",
        "traceback": false,
        "volume_block_read_timeout": 60
      }

      """)
  }

  @Test func showRedactsSecretsByDefault() async {
    var harness = CLIHarness()
    harness.folder.value.write("[a]\nactive = true\ntoken_id = \"ak-1\"\ntoken_secret = \"as-very-secret\"\n")
    harness.variables = ["MODAL_OAUTH_JWT_KEY": "pem"]
    let result = await harness.run(["config", "show"])
    #expect(result.out.contains("\"token_secret\": \"***\""))
    #expect(result.out.contains("\"oauth_jwt_key\": \"***\""))
    #expect(!result.out.contains("as-very-secret"))
  }

  @Test func showReportsAnInvalidSetting() async {
    var harness = CLIHarness()
    harness.variables = ["MODAL_LOGS_TIMEOUT": "abc"]
    let result = await harness.run(["config", "show"])
    #expect(result.code == 1)
    #expect(result.err == "Error: Invalid value for logs_timeout config ('abc'): could not convert string to float: 'abc'\n")
  }

  @Test func malformedConfigIsOneErrorLineWithPositionAndNoTrace() async {
    let harness = CLIHarness()
    let path = harness.folder.value.write("[a]\nactive = \"yes\"\n")
    let result = await harness.run(["config", "show"])
    #expect(result.code == 1)
    #expect(result.err.hasPrefix("Error: \(path):2:10: 'active' in profile 'a' must be true or false, not the string 'yes'.\n\n"))
    #expect(result.out.isEmpty)
  }

  @Test func pathFollowsModalConfigPath() async {
    var harness = CLIHarness()
    #expect(await harness.run(["config", "path"]).out == harness.folder.value.path + "/.modal.toml\n")
    harness.variables = ["MODAL_CONFIG_PATH": "/etc/modal.toml"]
    #expect(await harness.run(["config", "path"]).out == "/etc/modal.toml\n")
  }
}

@Suite struct ProfileCommandTests {
  private let file = """
    # team profiles
    [alice-ws]
    token_id = "ak-alice"
    token_secret = "as-alice"
    active = true

    [bob-ws]
    token_id = "ak-bob"
    token_secret = "as-bob"
    environment = "dev"

    """

  @Test func currentPrintsTheSelectedProfileWithoutValidating() async {
    var harness = CLIHarness()
    harness.folder.value.write(file)
    #expect(await harness.run(["profile", "current"]).out == "alice-ws\n")
    harness.variables = ["MODAL_PROFILE": "ghost"]
    #expect(await harness.run(["profile", "current"]).out == "ghost\n")
  }

  @Test func listShowsProfilesWithTheActiveOneMarkedAndUnreachableWorkspaces() async throws {
    let harness = CLIHarness()
    let closed = "http://127.0.0.1:\(try FreePort.find())"
    harness.folder.value.write(
      "[alice-ws]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nserver_url = \"\(closed)\"\nactive = true\n\n"
        + "[bob-ws]\ntoken_id = \"ak-b\"\ntoken_secret = \"as-b\"\nserver_url = \"\(closed)\"\n")
    let result = await harness.run(["profile", "list"])
    #expect(result.code == 0)
    // Exactly what Python's rich prints for this table with the SIMPLE_HEAD box on a plain output.
    let rich = "                                                \n    Profile    Workspace                        \n ────────────────────────────────────────────── \n  • alice-ws   Unknown (profile misconfigured)  \n    bob-ws     Unknown (profile misconfigured)  \n                                                \n"
    #expect(result.out == rich)
    #expect(!result.out.contains("as-"))
  }

  @Test func listAsJSON() async throws {
    let harness = CLIHarness()
    let closed = "http://127.0.0.1:\(try FreePort.find())"
    let unreachable = file.replacingOccurrences(of: "token_secret = \"as-bob\"\n", with: "token_secret = \"as-bob\"\nserver_url = \"\(closed)\"\n")
      .replacingOccurrences(of: "token_secret = \"as-alice\"\n", with: "token_secret = \"as-alice\"\nserver_url = \"\(closed)\"\n")
    harness.folder.value.write(unreachable)
    let result = await harness.run(["profile", "list", "--json"])
    let parsed = try? JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [[String: Any]]
    #expect(parsed?.map { $0["name"] as? String } == ["alice-ws", "bob-ws"])
    #expect(parsed?.map { $0["active"] as? Bool } == [true, false])
  }

  @Test func activateRewritesOnlyTheActiveFlags() async {
    let harness = CLIHarness()
    harness.folder.value.write(file)
    let result = await harness.run(["profile", "activate", "bob-ws"])
    #expect(result.code == 0)
    #expect(result.out == "Active profile: bob-ws\nActive environment: dev\n")
    #expect(harness.folder.value.read() == file.replacingOccurrences(of: "active = true\n", with: "").replacingOccurrences(of: "environment = \"dev\"\n", with: "environment = \"dev\"\nactive = true\n"))
    #expect(await harness.run(["profile", "current"]).out == "bob-ws\n")
  }

  @Test func activateMissingProfileFails() async {
    let harness = CLIHarness()
    let path = harness.folder.value.write(file)
    let result = await harness.run(["profile", "activate", "nope"])
    #expect(result.code == 1)
    #expect(result.err == "Error: No profile named 'nope' found in \(path)\n\nRun `modal profile list` to see the profiles, or `modal token new --profile nope` to create it.\n")
    #expect(harness.folder.value.read() == file)
  }
}

@Suite struct TokenRevokeCommandTests {
  @Test func aSecretGivenAsTheIdIsRefusedUnsentAndUnshown() async throws {
    var harness = CLIHarness()
    harness.variables = ["MODAL_TOKEN_ID": "ak-1", "MODAL_TOKEN_SECRET": "as-1", "MODAL_SERVER_URL": "http://127.0.0.1:\(try FreePort.find())"]
    let result = await harness.run(["token", "revoke", "as-looks-like-secret-123456", "-y"])
    #expect(result.code == 1)
    #expect(result.err.hasPrefix("Error: The value given as the token id starts with 'as-'"), "\(result.err)")
    #expect(!result.err.contains("looks-like-secret") && !result.out.contains("looks-like-secret"))
    #expect(!result.err.contains("Could not connect"))
  }
}

@Suite struct TokenSetCommandTests {
  @Test func secretFromStandardInputIsStoredAndNeverPrinted() async {
    var harness = CLIHarness()
    harness.variables = [:]
    let console = CapturedConsole(lines: ["as-TOPSECRETVALUE123"])
    let result = await harness.run(
      ["token", "set", "--token-id", "ak-abc", "--token-secret", "-", "--profile", "work", "--no-verify"], console: console)
    #expect(result.code == 0, "\(result.err)")
    let path = harness.folder.value.path + "/.modal.toml"
    #expect(result.out == "Token written to \(path) in profile work.\n")
    #expect(harness.folder.value.read() == "[work]\ntoken_id = \"ak-abc\"\ntoken_secret = \"as-TOPSECRETVALUE123\"\nactive = true\n")
    #expect(!result.out.contains("TOPSECRET") && !result.err.contains("TOPSECRET"))
  }

  @Test func promptsHideTheSecretOnATerminal() async {
    let harness = CLIHarness()
    let console = CapturedConsole(secrets: ["ak-typed", "as-typed-secret"], terminal: true)
    let result = await harness.run(["token", "set", "--profile", "p", "--no-verify"], console: console)
    #expect(result.code == 0, "\(result.err)")
    #expect(console.prompts == ["Token ID: ", "Token secret: "])
    #expect(harness.folder.value.read()?.contains("as-typed-secret") == true)
  }

  @Test func cancelledPromptWritesNothing() async {
    let harness = CLIHarness()
    let console = CapturedConsole(secrets: ["ak-typed", nil], terminal: true)
    let result = await harness.run(["token", "set", "--profile", "p", "--no-verify"], console: console)
    #expect(result.code == 1)
    #expect(result.err == "Error: Cancelled; nothing was written.\n")
    #expect(harness.folder.value.read() == nil)
  }

  @Test func profileComesFromModalProfile() async {
    var harness = CLIHarness()
    harness.variables = ["MODAL_PROFILE": "from-env", "MODAL_SERVER_URL": "http://127.0.0.1:9"]
    let result = await harness.run(["token", "set", "--token-id", "ak-1", "--token-secret", "as-1", "--no-verify"])
    #expect(result.code == 0, "\(result.err)")
    #expect(harness.folder.value.read() == "[from-env]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nserver_url = \"http://127.0.0.1:9\"\nactive = true\n")
  }

  @Test func withoutAProfileNameTheWorkspaceIsLookedUpAndAFailureWritesNothing() async throws {
    var harness = CLIHarness()
    let url = "http://127.0.0.1:\(try FreePort.find())"
    harness.variables = ["MODAL_SERVER_URL": url]
    let result = await harness.run(["token", "set", "--token-id", "ak-1", "--token-secret", "as-1", "--no-verify"])
    #expect(result.code == 1)
    #expect(result.err.hasPrefix("Error: No profile name given, but could not look up workspace name: Could not connect to the Modal server at \(url):"), "\(result.err)")
    #expect(result.err.contains("Pass --profile NAME"))
    #expect(harness.folder.value.read() == nil)
  }

  @Test(arguments: [("ak-ü✓", "as-zzzz12345", "token id"), ("ak-abc", "as-zzzz12345’", "token secret")])
  func nonASCIIValuesAreRefusedAsAPasteProblem(id: String, secret: String, label: String) async {
    let harness = CLIHarness()
    let console = CapturedConsole(lines: [secret])
    let result = await harness.run(["token", "set", "--token-id", id, "--token-secret", "-", "--profile", "p1", "--no-verify"], console: console)
    #expect(result.code == 1)
    #expect(result.err.hasPrefix("Error: The \(label) has a character that is not printable ASCII"), "\(result.err)")
    #expect(result.err.contains("paste or typing problem") && !result.err.contains(secret))
    #expect(harness.folder.value.read() == nil)
  }

  @Test func aCutOffChecksummedSecretIsRefusedBeforeAnythingIsWritten() async {
    let harness = CLIHarness()
    let cut = String("as-zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ0mLq17".dropLast(2))
    let console = CapturedConsole(lines: [cut])
    let result = await harness.run(["token", "set", "--token-id", "ak-abc", "--token-secret", "-", "--profile", "p1", "--no-verify"], console: console)
    #expect(result.code == 1)
    #expect(result.err.hasPrefix("Error: The token secret is damaged: it is 2 characters too short"), "\(result.err)")
    #expect(!result.err.contains(cut.dropFirst(3)))
    #expect(harness.folder.value.read() == nil)
  }

  @Test func aFailedRevocationOfThePreviousTokenNamesIt() async throws {
    let harness = CLIHarness()
    let url = "http://127.0.0.1:\(try FreePort.find())"
    harness.folder.value.write("[p]\ntoken_id = \"ak-old\"\ntoken_secret = \"as-old-secret\"\nserver_url = \"\(url)\"\nactive = true\n")
    let result = await harness.run(["token", "set", "--token-id", "ak-new", "--token-secret", "as-new", "--profile", "p", "--no-verify", "--delete-existing"])
    #expect(result.code == 1)
    #expect(result.out.hasPrefix("Token written to "))
    #expect(result.err.hasPrefix("Error: New token stored; the previous token ak-old was NOT revoked: Could not connect"), "\(result.err)")
    #expect(result.err.contains("Revoke it with `modal token revoke ak-old --profile p`"))
    #expect(harness.folder.value.read()?.contains("ak-new") == true)
  }

  @Test func noActivateLeavesTheActiveProfileAlone() async {
    let harness = CLIHarness()
    harness.folder.value.write("[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\n")
    let result = await harness.run(["token", "set", "--token-id", "ak-b", "--token-secret", "as-b", "--profile", "b", "--no-verify", "--no-activate"])
    #expect(result.code == 0)
    #expect(await harness.run(["profile", "current"]).out == "a\n")
  }

  @Test func warnsWhenEnvironmentVariablesOverrideTheNewToken() async {
    var harness = CLIHarness()
    harness.variables = ["MODAL_TOKEN_ID": "ak-env", "MODAL_TOKEN_SECRET": "as-env"]
    let result = await harness.run(["token", "set", "--token-id", "ak-1", "--token-secret", "as-1", "--profile", "p", "--no-verify"])
    #expect(result.out.hasSuffix("Warning: The MODAL_TOKEN_ID / MODAL_TOKEN_SECRET environment variables are set; this will override your new credentials.\n"))
  }

  @Test(arguments: [
    ("", "as-1", "The token id is empty."),
    ("ak-1", "as 1", "The token secret contains white space or control characters."),
    ("as-1", "ak-1", "The token id and secret seem to be swapped"),
  ])
  func badValuesAreRefusedBeforeAnythingIsWritten(id: String, secret: String, message: String) async {
    let harness = CLIHarness()
    let result = await harness.run(["token", "set", "--token-id", id, "--token-secret", secret, "--profile", "p", "--no-verify"])
    #expect(result.code == 1)
    #expect(result.err.hasPrefix("Error: \(message)"))
    #expect(harness.folder.value.read() == nil)
  }

  @Test func verificationIsOnByDefaultAndAFailureWritesNothing() async throws {
    var harness = CLIHarness()
    let url = "http://127.0.0.1:\(try FreePort.find())"
    harness.variables = ["MODAL_SERVER_URL": url]
    let result = await harness.run(["token", "set", "--token-id", "ak-1", "--token-secret", "as-1", "--profile", "p"])
    #expect(result.code == 1)
    #expect(result.out == "Verifying token against \(url)\n")
    #expect(result.err.contains("Could not connect to the Modal server"))
    #expect(harness.folder.value.read() == nil)
  }
}
