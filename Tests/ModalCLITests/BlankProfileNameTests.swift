import TestSupport
import Testing

/// A profile name that is only white space is refused by every command, whether it comes from
/// `MODAL_PROFILE` or `--profile`, so that reads and writes never disagree (an empty one counts as
/// unset, difference D2).
@Suite struct BlankProfileNameTests {
  private static let file = "[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\n"
  private static let commands: [[String]] = [
    ["profile", "current"], ["config", "show"], ["token", "info"], ["profile", "list"],
    ["token", "set", "--token-id", "ak-1", "--token-secret", "as-1", "--no-verify"],
  ]

  @Test(arguments: commands)
  func blankModalProfileIsRefused(command: [String]) async {
    var harness = CLIHarness()
    harness.folder.value.write(Self.file)
    harness.variables = ["MODAL_PROFILE": " "]
    let result = await harness.run(command)
    #expect(result.code == 1)
    #expect(result.err.hasPrefix("Error: The profile name from MODAL_PROFILE is blank (' '); a profile name cannot be only white space.\n\nSet MODAL_PROFILE to a profile name"), "\(result.err)")
    #expect(result.out.isEmpty)
    #expect(harness.folder.value.read() == Self.file)
  }

  @Test(arguments: commands)
  func blankProfileOptionIsRefused(command: [String]) async {
    let harness = CLIHarness()
    harness.folder.value.write(Self.file)
    let result = await harness.run(command + ["--profile", "\t "])
    #expect(result.code == 1)
    #expect(result.err.hasPrefix("Error: The profile name from --profile is blank ('\\t '); a profile name cannot be only white space."), "\(result.err)")
    #expect(harness.folder.value.read() == Self.file)
  }

  @Test func emptyModalProfileStillCountsAsUnset() async {
    var harness = CLIHarness()
    harness.folder.value.write(Self.file)
    harness.variables = ["MODAL_PROFILE": ""]
    #expect(await harness.run(["profile", "current"]).out == "a\n")
  }
}
