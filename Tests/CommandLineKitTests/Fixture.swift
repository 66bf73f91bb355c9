import CommandLineKit

/// A small command tree used by the tests: `tool serve`, `tool user add|list` and a hidden command.
enum Fixture {
  static let port = Option<Int>("--port", short: "-p", placeholder: "N", default: 8080, help: "Port to listen on.") {
    text throws(InvalidValue) in
    guard let port = Int(text), (1...65535).contains(port) else {
      throw InvalidValue("--port must be a number from 1 to 65535, not '\(text)'.")
    }
    return port
  }
  static let dataDir = Option<String>.required("--data-dir", placeholder: "DIR", help: "The data folder.")
  static let name = Option<String?>("--name", placeholder: "TEXT", help: "A label.")
  static let secretHidden = Option<String?>("--source", placeholder: "TEXT", hidden: true)
  static let json = Flag("--json", help: "Print JSON.")
  static let verify = Toggle("--verify", negation: "--no-verify", default: true, help: "Check it first.")
  static let profile = Option<String?>("--profile", placeholder: "TEXT", help: "Use this profile.")
  static let email = Argument<String>("EMAIL", help: "Who.")
  static let role = Argument<String?>("ROLE")
  static let rest = Argument<[String]>("TAGS")

  static let serve = Command<ParsedValues>(
    name: "serve", abstract: "Serve things.", discussion: "Runs until stopped.",
    options: [dataDir, port, name, json, verify, secretHidden]
  ) { _ in 0 }

  static let add = Command<ParsedValues>(
    name: "add", abstract: "Add a user.", arguments: [email, role, rest]) { _ in 0 }
  static let list = Command<ParsedValues>(name: "list", abstract: "List users.", options: [json]) { _ in 0 }
  static let secret = Command<ParsedValues>(name: "secret", abstract: "Hidden.", isHidden: true) { _ in 0 }

  static let root = Command<ParsedValues>(
    name: "tool", abstract: "A tool.",
    subcommands: [serve, Command(name: "user", abstract: "Manage users.", subcommands: [add, list]), secret],
    globalOptions: [profile])

  /// Parses with click's rules and returns the values of the command that would run.
  static func run(_ words: [String], rules: ParsingRules = .click) throws(UsageError) -> ParsedValues {
    switch try CommandParser(root: root, rules: rules).parse(words) {
    case .run(_, let values): return values
    case .help(_, let path): throw UsageError("help for \(path)", commandPath: path)
    case .completionScript(let shell): throw UsageError("script for \(shell)", commandPath: [])
    }
  }

  /// The message of the usage error `words` raise, or nil when they parse.
  static func error(_ words: [String], rules: ParsingRules = .click) -> UsageError? {
    do {
      _ = try run(words, rules: rules)
      return nil
    } catch {
      return error
    }
  }
}
