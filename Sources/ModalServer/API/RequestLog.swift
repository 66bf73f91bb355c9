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
  /// The call's request id (`RequestID`), if it has one.
  package let requestID: String?

  /// Creates an entry.
  package init(
    method: String, status: String, duration: Duration, tokenID: String?, peer: String, reason: String? = nil,
    requestID: String? = nil
  ) {
    self.method = method
    self.status = status
    self.duration = duration
    self.tokenID = tokenID
    self.peer = peer
    self.reason = reason
    self.requestID = requestID
  }

  private var milliseconds: Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
  }

  /// The token id as logged: the id, `malformed`, or `-` when none was sent.
  private var loggedToken: String { tokenID.map { TokenFormat.isWellFormedID($0) || OAuthFormat.isWellFormedGrantID($0) ? $0 : "malformed" } ?? "-" }

  /// A non-negative number with one decimal, without Foundation's `String(format:)`.
  static func tenths(_ value: Double) -> String {
    let scaled = Int((max(0, value) * 10).rounded())
    return "\(scaled / 10).\(scaled % 10)"
  }

  /// One line: `<time> grpc <method> <status> <ms>ms token=<id> peer=<peer> request=<id>` and, for
  /// server failures, `reason="…"`.
  package var line: String {
    // One string with room for the whole line: interpolation grew it (and allocated) field by field.
    var line = ""
    line.reserveCapacity(160 + method.utf8.count + peer.utf8.count)
    UnixTime(date: Date()).appendISO8601(to: &line)
    line += " grpc "
    line += LogText.field(method)
    line += " "
    line += status
    line += " "
    line += Self.tenths(milliseconds)
    line += "ms token="
    line += loggedToken
    line += " peer="
    line += LogText.field(peer)
    if let requestID {
      line += " request="
      line += LogText.field(requestID)
    }
    guard let reason else { return line }
    return line + " reason=\"" + LogText.quoted(reason) + "\""
  }
}

extension RequestLogEntry {
  /// The entry as one JSON object: `time`, `level` (`error` for server failures, else `info`),
  /// `event` `grpc`, then `method`, `status`, `duration_ms`, `token`, `peer`, `request_id`, `reason`.
  package var jsonLine: String {
    let failed = reason != nil || ["INTERNAL", "UNAVAILABLE", "UNKNOWN", "DATA_LOSS"].contains(status)
    var json = JSONLogLine(time: UnixTime(date: Date()).iso8601, level: failed ? "error" : "info", event: "grpc")
    json.add("method", method)
    json.add("status", status)
    json.add("duration_ms", milliseconds)
    json.add("token", loggedToken)
    json.add("peer", peer)
    if let requestID { json.add("request_id", requestID) }
    if let reason { json.add("reason", reason) }
    return json.text
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

  /// Writes lines in `format` in batches through `writer` (what `serve` uses).
  package static func batched(_ writer: LogWriter, format: LogFormat = .text) -> RequestLogger {
    switch format {
    case .text: { entry in writer.write(entry.line) }
    case .json: { entry in writer.write(entry.jsonLine) }
    }
  }

  /// Drops every line.
  package static let none: RequestLogger = { _ in }
}
