import Foundation

/// How `serve` writes its log lines (`--log-format`).
package enum LogFormat: String, Sendable, CaseIterable {
  /// One line of space-separated fields, as before (`LogText` escapes what callers control).
  case text
  /// One JSON object per line: `time`, `level`, `event`, then the event's fields.
  case json

  /// A lifecycle line (`modal-server: …`) in this format, without the newline.
  package func lifecycleLine(_ message: String, at time: Date = Date()) -> String {
    let stamp = UnixTime(date: time).iso8601
    switch self {
    case .text: return "\(stamp) \(message)"
    case .json:
      var line = JSONLogLine(time: stamp, level: "info", event: "lifecycle")
      line.add("message", message)
      return line.text
    }
  }

  /// A dashboard request line (`http METHOD PATH STATUS MSms`, written by `HTTPServer`) in this
  /// format, without the time (the lifecycle writer adds it) for text, as one object for JSON.
  package func httpLine(_ line: String, at time: Date = Date()) -> String {
    guard self == .json else { return lifecycleLine(line, at: time) }
    var json = JSONLogLine(time: UnixTime(date: time).iso8601, level: "info", event: "http")
    let fields = line.split(separator: " ", omittingEmptySubsequences: false)
    if fields.count == 5, fields[0] == "http", fields[4].hasSuffix("ms"), let status = Int(fields[3]) {
      json.add("method", String(fields[1]))
      json.add("path", String(fields[2]))
      json.add("status", status)
      json.add("duration_ms", Double(fields[4].dropLast(2)) ?? 0)
    } else {
      json.add("message", line)
    }
    return json.text
  }
}

/// One JSON log object, built field by field (no Foundation encoder on the per-call path).
package struct JSONLogLine {
  /// The object so far, without its closing brace.
  private var body: String

  /// An object starting with `time`, `level` and `event`.
  package init(time: String, level: String, event: String) {
    body = "{\"time\":\"\(time)\",\"level\":\"\(level)\",\"event\":\"\(event)\""
  }

  /// Adds a text field.
  package mutating func add(_ key: String, _ value: String) {
    body += ",\"\(key)\":"
    Self.appendString(value, to: &body)
  }

  /// Adds a whole-number field.
  package mutating func add(_ key: String, _ value: Int) { body += ",\"\(key)\":\(value)" }

  /// Adds a number field (one decimal).
  package mutating func add(_ key: String, _ value: Double) {
    body += ",\"\(key)\":" + RequestLogEntry.tenths(value)
  }

  /// The finished object.
  package var text: String { body + "}" }

  /// `value` as a JSON string: quotes, backslashes, control characters and the line and
  /// paragraph separators escaped, so one object stays one line.
  static func appendString(_ value: String, to output: inout String) {
    output += "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}":
        let hex = String(scalar.value, radix: 16)
        output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }
}
