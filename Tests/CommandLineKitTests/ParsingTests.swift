import CommandLineKit
import Testing

@Suite struct ParsingTests {
  @Test func typedValuesAndDefaults() throws {
    let values = try Fixture.run(["serve", "--data-dir", "/d", "--port=9000", "--no-verify", "--json"])
    #expect(values[Fixture.dataDir] == "/d")
    #expect(values[Fixture.port] == 9000)
    #expect(values[Fixture.name] == nil)
    #expect(values[Fixture.json])
    #expect(!values[Fixture.verify])
    #expect(values.commandPath == ["tool", "serve"])

    let defaults = try Fixture.run(["serve", "--data-dir=/d"])
    #expect(defaults[Fixture.port] == 8080)
    #expect(defaults[Fixture.verify])
    #expect(!defaults[Fixture.json])
  }

  @Test func shortNamesAndLastValueWins() throws {
    let values = try Fixture.run(["serve", "-p", "1", "--data-dir", "a", "--port", "2", "--data-dir", "b"])
    #expect(values[Fixture.port] == 2)
    #expect(values[Fixture.dataDir] == "b")
  }

  @Test func globalOptionAnywhereBeforeDoubleDash() throws {
    for words in [["--profile", "x", "user", "list"], ["user", "--profile=x", "list"], ["user", "list", "--profile", "x"]] {
      #expect(try Fixture.run(words)[Fixture.profile] == "x")
    }
    let values = try Fixture.run(["user", "add", "--", "--profile", "x"])
    #expect(values[Fixture.profile] == nil)
    #expect(values[Fixture.email] == "--profile")
    #expect(values[Fixture.role] == "x")
  }

  @Test func globalFlagsAndToggles() throws {
    let verbose = Flag("--verbose", short: "-v")
    let color = Toggle("--color", negation: "--no-color", default: true)
    var root = Fixture.root
    root.globalOptions += [verbose.declaration, color.declaration]
    guard case .run(_, let values) = try CommandParser(root: root).parse(["user", "-v", "list", "--no-color"]) else {
      Issue.record("did not run")
      return
    }
    #expect(values[verbose])
    #expect(!values[color])
  }

  @Test func positionalArguments() throws {
    let values = try Fixture.run(["user", "add", "a@b", "owner", "t1", "t2"])
    #expect(values[Fixture.email] == "a@b")
    #expect(values[Fixture.role] == "owner")
    #expect(values[Fixture.rest] == ["t1", "t2"])
    let short = try Fixture.run(["user", "add", "a@b"])
    #expect(short[Fixture.role] == nil)
    #expect(short[Fixture.rest] == [])
  }

  @Test func clickErrors() {
    #expect(Fixture.error(["serve", "--frob"])?.message == "No such option: --frob")
    #expect(Fixture.error(["serve", "--portt"])?.message == "No such option: --portt (Possible options: --port)")
    #expect(Fixture.error(["serve", "--data-dir"])?.message == "Option '--data-dir' requires an argument.")
    #expect(Fixture.error(["serve", "--json=1"])?.message == "Option '--json' does not take a value.")
    #expect(Fixture.error(["serve", "--no-verify=1"])?.message == "Option '--no-verify' does not take a value.")
    #expect(Fixture.error(["serve"])?.message == "Missing option '--data-dir'.")
    #expect(Fixture.error(["serve", "--data-dir=a", "--port", "0"])?.message == "--port must be a number from 1 to 65535, not '0'.")
    #expect(Fixture.error(["user", "lst"]) == UsageError("No such command 'lst'.", commandPath: ["tool", "user"]))
    #expect(Fixture.error(["user", "add"])?.message == "Missing argument 'EMAIL'.")
    #expect(Fixture.error(["user", "list", "a", "b"])?.message == "Got unexpected extra arguments (a b)")
    #expect(Fixture.error(["--profile"]) == UsageError("Option '--profile' requires an argument.", commandPath: ["tool"]))
  }

  @Test func helpAndGroups() throws {
    let parser = CommandParser(root: Fixture.root)
    guard case .help(_, let path) = try parser.parse(["user", "-h", "--frob"]) else { Issue.record("no help"); return }
    #expect(path == ["tool", "user"])
    guard case .help(_, let rootPath) = try parser.parse([]) else { Issue.record("no help"); return }
    #expect(rootPath == ["tool"])
    guard case .run = try parser.parse(["serve", "--data-dir", "--help"]) else { Issue.record("--help is a value here"); return }
  }

  @Test func strictRules() throws {
    let rules = ParsingRules(
      optionsBetweenCommandWords: false, helpEndsParsing: false, singleDashTakesInlineValue: true,
      repeatedValueIsError: true, rootHelpWord: "help",
      messages: UsageMessages(
        unknownCommand: { word, path in word.isEmpty && path.count == 1 ? "Missing command." : "Unknown command '\(word)'." },
        unknownOption: { given, _ in "Unknown option \(given)." }, missingValue: { "\($0) needs a value." },
        unexpectedValue: { given, _ in "\(given) takes no value." }, repeatedValue: { "\($0) is given more than once." },
        missingOption: { "Missing \($0.name)." }, missingArgument: { _ in "Missing argument." },
        extraArguments: { "Unexpected argument '\($0[0])'." }))
    let parser = CommandParser(root: Fixture.root, rules: rules)
    #expect(Fixture.error([], rules: rules)?.message == "Missing command.")
    #expect(Fixture.error(["--json", "serve"], rules: rules)?.message == "Unknown command '--json'.")
    #expect(Fixture.error(["serve", "--port=1", "--port=2"], rules: rules)?.message == "--port is given more than once.")
    #expect(Fixture.error(["serve", "--help", "--frob"], rules: rules)?.message == "Unknown option --frob.")
    #expect(Fixture.error(["serve", "-p=3"], rules: rules)?.message == "Missing --data-dir.")
    guard case .help(_, let path) = try parser.parse(["help", "--whatever"]) else { Issue.record("no help"); return }
    #expect(path == ["tool"])
    guard case .help = try parser.parse(["serve", "--help"]) else { Issue.record("no help"); return }
  }

  @Test func repeatedOptionsKeepEveryValueInOrderEvenUnderStrictRules() throws {
    let tag = RepeatedOption<Int>("--tag", placeholder: "N", help: "A number, repeatable.") { text throws(InvalidValue) in
      guard let number = Int(text) else { throw InvalidValue("--tag must be a number, not '\(text)'.") }
      return number
    }
    let root = Command<ParsedValues>(
      name: "tool", abstract: "A tool.",
      subcommands: [Command(name: "mark", abstract: "Mark.", options: [tag, Fixture.port]) { _ in 0 }])
    var rules = ParsingRules.click
    rules.repeatedValueIsError = true
    let parser = CommandParser(root: root, rules: rules)
    guard case .run(_, let values) = try parser.parse(["mark", "--tag", "3", "--tag=1", "--port", "5", "--tag", "2"]) else {
      Issue.record("no run")
      return
    }
    #expect(values[tag] == [3, 1, 2] && values[Fixture.port] == 5)
    guard case .run(_, let none) = try parser.parse(["mark"]) else { Issue.record("no run"); return }
    #expect(none[tag] == [])
    #expect(throws: UsageError.self) { try parser.parse(["mark", "--tag", "x"]) }
    #expect(throws: UsageError.self) { try parser.parse(["mark", "--port", "1", "--port", "2"]) }
  }
}
