/// A usage error: wrong or missing arguments. The command line prints it with the usage and exits 2.
package struct UsageError: Error, Sendable, Hashable {
  /// What was wrong.
  package let message: String

  /// Creates a usage error.
  package init(_ message: String) { self.message = message }
}

/// The options a (sub)command accepts.
struct CommandSpec {
  /// Options that take a value (`--data-dir DIR` or `--data-dir=DIR`).
  var valueOptions: Set<String> = []
  /// Options without a value (`--json`).
  var flags: Set<String> = []
  /// Options that must be given.
  var required: [String] = []
  /// How many positional arguments are allowed.
  var positionals: ClosedRange<Int> = 0...0
}

/// Parsed arguments of one command.
struct ParsedArguments {
  private(set) var values: [String: String] = [:]
  private(set) var flags: Set<String> = []
  private(set) var positionals: [String] = []
  /// Whether `--help` or `-h` was given.
  private(set) var wantsHelp = false

  /// The value of an option.
  subscript(_ option: String) -> String? { values[option] }

  /// Whether a flag was given.
  func has(_ flag: String) -> Bool { flags.contains(flag) }

  /// A required option's value (already checked by `parse`).
  func required(_ option: String) -> String { values[option] ?? "" }

  /// Parses `arguments` against `spec`.
  static func parse(_ arguments: [String], spec: CommandSpec) throws(UsageError) -> ParsedArguments {
    var parsed = ParsedArguments()
    var index = 0
    var onlyPositionals = false
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if onlyPositionals || !argument.hasPrefix("-") || argument == "-" {
        parsed.positionals.append(argument)
        continue
      }
      if argument == "--" {
        onlyPositionals = true
        continue
      }
      if argument == "--help" || argument == "-h" {
        parsed.wantsHelp = true
        continue
      }
      var name = argument
      var inlineValue: String?
      if let equals = argument.firstIndex(of: "=") {
        name = String(argument[..<equals])
        inlineValue = String(argument[argument.index(after: equals)...])
      }
      if spec.flags.contains(name) {
        guard inlineValue == nil else { throw UsageError("\(name) takes no value.") }
        parsed.flags.insert(name)
      } else if spec.valueOptions.contains(name) {
        let value: String
        if let inlineValue {
          value = inlineValue
        } else {
          guard index < arguments.count else { throw UsageError("\(name) needs a value.") }
          value = arguments[index]
          index += 1
        }
        guard parsed.values[name] == nil else { throw UsageError("\(name) is given more than once.") }
        parsed.values[name] = value
      } else {
        throw UsageError("Unknown option \(name).")
      }
    }
    if parsed.wantsHelp { return parsed }
    for option in spec.required where parsed.values[option] == nil {
      throw UsageError("Missing \(option).")
    }
    guard spec.positionals.contains(parsed.positionals.count) else {
      if parsed.positionals.count > spec.positionals.upperBound {
        throw UsageError("Unexpected argument '\(parsed.positionals[spec.positionals.upperBound])'.")
      }
      throw UsageError("Missing argument.")
    }
    return parsed
  }
}

/// Parsing of the small value formats the commands take.
enum ArgumentValues {
  /// `30m`, `12h`, `7d`, `45s` → seconds (positive, at most 2^32-1 like the Python client).
  static func duration(_ text: String) throws(UsageError) -> Int64 {
    guard let unit = text.last, let number = Int64(text.dropLast()), !text.dropLast().contains("-"), !text.dropLast().contains("+") else {
      throw UsageError("Invalid value for --expires-in: Expected a duration such as 30m, 12h, or 7d.")
    }
    let multiplier: Int64
    switch unit {
    case "s": multiplier = 1
    case "m": multiplier = 60
    case "h": multiplier = 3600
    case "d": multiplier = 86_400
    default: throw UsageError("Invalid value for --expires-in: Expected a duration such as 30m, 12h, or 7d.")
    }
    guard number > 0 else { throw UsageError("Invalid value for --expires-in: Duration must be positive.") }
    let (seconds, overflow) = number.multipliedReportingOverflow(by: multiplier)
    guard !overflow, seconds <= Int64(UInt32.max) else {
      throw UsageError("Invalid value for --expires-in: Duration is too large.")
    }
    return seconds
  }

  /// A whole number from 0 to 100,000 for `option`, or `defaultValue` when the option is absent.
  static func count(_ text: String?, option: String, default defaultValue: Int) throws(UsageError) -> Int {
    guard let text else { return defaultValue }
    guard let value = Int(text), (0...100_000).contains(value) else {
      throw UsageError("\(option) must be a whole number from 0 (no limit) to 100000, not '\(text)'.")
    }
    return value
  }

  /// `HOST:PORT` or `[IPv6]:PORT` → (host, port).
  static func address(_ text: String, option: String) throws(UsageError) -> (host: String, port: Int) {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
    else {
      throw UsageError("\(option) must be HOST:PORT (for example 127.0.0.1:50051), not '\(text)'.")
    }
    var host = String(text[..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard !host.isEmpty else { throw UsageError("\(option) needs a host, for example 127.0.0.1:\(port).") }
    return (host, port)
  }
}
