import Testing

@Suite struct ArgumentParsingTests {
  @Test func unknownOptionIsAUsageErrorWithExitCode2() async {
    let result = await CLIHarness().run(["config", "show", "--frobnicate"])
    #expect(result.code == 2)
    #expect(result.err == "Usage: modal config show [OPTIONS]\nTry 'modal config show --help' for help.\n\nError: No such option: --frobnicate\n")
    #expect(result.out.isEmpty)
  }

  @Test func unknownCommandIsAUsageError() async {
    let result = await CLIHarness().run(["profile", "lst"])
    #expect(result.code == 2)
    #expect(result.err.contains("Error: No such command 'lst'."))
  }

  @Test func missingArgumentIsAUsageError() async {
    let result = await CLIHarness().run(["profile", "activate"])
    #expect(result.code == 2)
    #expect(result.err.hasPrefix("Usage: modal profile activate [OPTIONS] PROFILE\n"))
    #expect(result.err.contains("Error: Missing argument 'PROFILE'."))
  }

  @Test func extraArgumentIsAUsageError() async {
    let result = await CLIHarness().run(["profile", "current", "extra"])
    #expect(result.code == 2)
    #expect(result.err.contains("Got unexpected extra argument (extra)"))
  }

  @Test func optionMissingItsValue() async {
    let result = await CLIHarness().run(["token", "set", "--token-id"])
    #expect(result.code == 2)
    #expect(result.err.contains("Error: Option '--token-id' requires an argument."))
  }

  @Test(arguments: [
    ["--help"], ["config", "--help"], ["config", "show", "--help"], ["profile", "--help"], ["profile", "list", "-h"],
    ["profile", "current", "--help"], ["profile", "activate", "--help"], ["token", "--help"], ["token", "set", "--help"],
    ["config", "path", "--help"], [],
  ])
  func helpEverywhere(arguments: [String]) async {
    let result = await CLIHarness().run(arguments)
    #expect(result.code == 0)
    #expect(result.out.hasPrefix("Usage: modal"))
    #expect(result.out.contains("--help"))
    #expect(result.err.isEmpty)
  }

  @Test func helpListsCommandsAndHidesHiddenOptions() async {
    let root = await CLIHarness().run(["--help"])
    #expect(root.out.contains("\nCommands:\n  config"))
    let show = await CLIHarness().run(["config", "show", "--help"])
    #expect(show.out.contains("--redact / --no-redact"))
    #expect(!show.out.contains("--include-internal"))
    #expect(show.out.contains("--profile TEXT"))
  }

  @Test func profileIsAcceptedAtAnyPosition() async {
    var harness = CLIHarness()
    harness.variables = [:]
    for arguments in [["--profile", "x", "profile", "current"], ["profile", "--profile=x", "current"], ["profile", "current", "--profile", "x"]] {
      let result = await harness.run(arguments)
      #expect(result.out == "x\n", "\(arguments)")
    }
  }

  @Test func doubleDashEndsOptions() async {
    let harness = CLIHarness()
    let result = await harness.run(["profile", "activate", "--", "--weird"])
    #expect(result.code == 1)
    #expect(result.err.contains("No profile named '--weird' found"))
  }

  @Test func toggleValuesCannotTakeAValue() async {
    let result = await CLIHarness().run(["config", "show", "--no-redact=1"])
    #expect(result.code == 2)
  }
}
