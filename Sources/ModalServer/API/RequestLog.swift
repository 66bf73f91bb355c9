import Foundation

/// One served call, as logged: never a secret, never a request body.
package struct RequestLogEntry: Sendable {
  /// The method path.
  package let method: String
  /// The final status code, e.g. "OK", "UNAUTHENTICATED".
  package let status: String
  /// How long the call took.
  package let duration: Duration
  /// The id of the token that authenticated the call (or that was claimed, when it failed), if any.
  package let tokenID: String?
  /// The client's address.
  package let peer: String
  /// Why the server failed (`internal`, `unavailable`), for the operator; never sent to the client.
  package let reason: String?

  /// Creates an entry.
  package init(method: String, status: String, duration: Duration, tokenID: String?, peer: String, reason: String? = nil) {
    self.method = method
    self.status = status
    self.duration = duration
    self.tokenID = tokenID
    self.peer = peer
    self.reason = reason
  }

  /// A non-negative number with one decimal, without Foundation's `String(format:)`.
  static func tenths(_ value: Double) -> String {
    let scaled = Int((max(0, value) * 10).rounded())
    return "\(scaled / 10).\(scaled % 10)"
  }

  /// One line: `<time> grpc <method> <status> <ms>ms token=<id> peer=<peer>` and, for server
  /// failures, `reason="…"`.
  package var line: String {
    let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    let token = tokenID.map { TokenFormat.isWellFormedID($0) ? $0 : "malformed" } ?? "-"
    let line = "\(UnixTime(date: Date()).iso8601) grpc \(LogText.field(method)) \(status) \(Self.tenths(milliseconds))ms token=\(token) peer=\(LogText.field(peer))"
    guard let reason else { return line }
    return line + " reason=\"" + LogText.quoted(reason) + "\""
  }
}

/// Where request log lines go.
package typealias RequestLogger = @Sendable (RequestLogEntry) -> Void

/// Log destinations.
package enum RequestLoggers {
  /// Writes each line to standard error at once.
  package static let standardError: RequestLogger = { entry in
    FileHandle.standardError.write(Data((entry.line + "\n").utf8))
  }

  /// Writes lines in batches through `writer` (what `serve` uses).
  package static func batched(_ writer: LogWriter) -> RequestLogger {
    { entry in writer.write(entry.line) }
  }

  /// Drops every line.
  package static let none: RequestLogger = { _ in }
}
