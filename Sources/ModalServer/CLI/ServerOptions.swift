import CommandLineKit

/// Options several `modal-server` commands declare, each with its help written once.
enum ServerOptions {
  /// `--data-dir DIR`.
  static let dataDir = Option<String>.required("--data-dir", placeholder: "DIR", help: "The data folder")
  /// `--database URL`.
  static let database = Option<String?>(
    "--database", placeholder: "URL",
    help: "postgres://… (shared by replicas) or sqlite:PATH (default: $MODAL_SERVER_DATABASE_URL)")
  /// `--workspace W`, where the command needs one.
  static let workspace = Option<String>.required("--workspace", placeholder: "W", help: "The workspace name")
  /// `--email E`, where the command needs one.
  static let email = Option<String>.required("--email", placeholder: "E", help: "The user's email address")
  /// `--json`.
  static let json = Flag("--json", help: "Print JSON")
  /// `--role owner|manager|member`, nil when not given.
  static let role = Option<Role?>("--role", placeholder: "ROLE", help: "owner, manager or member") {
    text throws(InvalidValue) in
    guard let role = Role(rawValue: text) else {
      throw InvalidValue("--role must be owner, manager or member, not '\(text)'.")
    }
    return role
  }
}

/// Parsing of the small value formats the commands take.
enum ArgumentValues {
  /// `30m`, `12h`, `7d`, `45s` → seconds (positive, at most 2^32-1 like the Python client).
  @Sendable static func duration(_ text: String) throws(InvalidValue) -> Int64 {
    guard let unit = text.last, let number = Int64(text.dropLast()), !text.dropLast().contains("-"), !text.dropLast().contains("+") else {
      throw InvalidValue("Invalid value for --expires-in: Expected a duration such as 30m, 12h, or 7d.")
    }
    let multiplier: Int64
    switch unit {
    case "s": multiplier = 1
    case "m": multiplier = 60
    case "h": multiplier = 3600
    case "d": multiplier = 86_400
    default: throw InvalidValue("Invalid value for --expires-in: Expected a duration such as 30m, 12h, or 7d.")
    }
    guard number > 0 else { throw InvalidValue("Invalid value for --expires-in: Duration must be positive.") }
    let (seconds, overflow) = number.multipliedReportingOverflow(by: multiplier)
    guard !overflow, seconds <= Int64(UInt32.max) else {
      throw InvalidValue("Invalid value for --expires-in: Duration is too large.")
    }
    return seconds
  }

  /// A whole number from 0 to 100,000 for `option`.
  static func count(option: String) -> @Sendable (String) throws(InvalidValue) -> Int {
    { text throws(InvalidValue) in
      guard let value = Int(text), (0...100_000).contains(value) else {
        throw InvalidValue("\(option) must be a whole number from 0 (no limit) to 100000, not '\(text)'.")
      }
      return value
    }
  }

  /// A whole number within `range`, for `option`.
  static func range(option: String, _ range: ClosedRange<Int>) -> @Sendable (String) throws(InvalidValue) -> Int {
    { text throws(InvalidValue) in
      guard let value = Int(text), range.contains(value) else {
        throw InvalidValue("\(option) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'.")
      }
      return value
    }
  }

  /// `HOST:PORT` or `[IPv6]:PORT` → (host, port), for `option`.
  static func address(option: String) -> @Sendable (String) throws(InvalidValue) -> ListenAddress {
    { text throws(InvalidValue) in
      guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
      else {
        throw InvalidValue("\(option) must be HOST:PORT (for example 127.0.0.1:50051), not '\(text)'.")
      }
      var host = String(text[..<colon])
      if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
      guard !host.isEmpty else { throw InvalidValue("\(option) needs a host, for example 127.0.0.1:\(port).") }
      return ListenAddress(host: host, port: port)
    }
  }
}

/// Where a listener binds: a host name or address, and a port (0 picks a free one).
struct ListenAddress: Sendable, Equatable {
  /// The host, without the brackets of an IPv6 literal.
  let host: String
  /// The port.
  let port: Int
}
