import Modal
import ModalTokenScan

/// Prints a scan's result as text, JSON or SARIF 2.1.0.
enum ScanReport {
  /// The output formats.
  enum Format: String, CaseIterable {
    case text, json, sarif
  }

  /// The whole output for `result` in `format`.
  static func render(_ result: ScanResult, as format: Format) -> String {
    switch format {
    case .text: return text(result)
    case .json: return json(result).rendered() + "\n"
    case .sarif: return ScanSARIF.log(result).rendered() + "\n"
    }
  }

  /// One line per finding: `path:line:column: what (confidence): values`.
  static func text(_ result: ScanResult) -> String {
    var out = ""
    for located in result.findings {
      let finding = located.finding
      var line = "\(place(located.location)):\(finding.match.line):\(finding.match.column): \(ScanWords.title(finding.rule))"
      if finding.confidence != .none {
        line += " (\(finding.confidence.rawValue) confidence, checksum \(ScanWords.checksum(finding.match)))"
      }
      line += ": " + values(finding)
      if let problem = ScanWords.problem(finding.match) { line += " — \(problem)" }
      if let commit = located.location.commit { line += " [commit \(commit)]" }
      if let state = located.serverState { line += " — server: \(ScanWords.state(state))" }
      if let verdict = located.reported { line += " — reported: \(ScanWords.verdict(verdict))" }
      out += line + "\n"
    }
    return out
  }

  /// The summary printed to standard error after text output.
  static func summary(_ result: ScanResult) -> String {
    let leaks = result.findings.filter { $0.finding.isLeak }.count
    var text = "Scanned \(result.scannedCount) text\(result.scannedCount == 1 ? "" : "s") (\(result.scannedBytes) bytes)"
    if !result.skipped.isEmpty { text += ", skipped \(result.skipped.count) (binary or too large)" }
    text += leaks == 0 ? ": no token secrets found.\n" : ": \(leaks) token secret\(leaks == 1 ? "" : "s") found.\n"
    if leaks > 0 { text += ScanWords.help(.secret) + "\n" }
    return text
  }

  /// The JSON document (keys documented in docs/cli.md).
  static func json(_ result: ScanResult) -> JSONValue {
    .object([
      ("findings", .array(result.findings.map(json))),
      ("scanned", .object([("texts", .integer(Int64(result.scannedCount))), ("bytes", .integer(Int64(result.scannedBytes)))])),
      ("skipped", .array(result.skipped.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) })),
    ])
  }

  private static func json(_ located: LocatedFinding) -> JSONValue {
    let finding = located.finding
    let isID = finding.match.kind == .tokenID
    let tokenID = isID ? finding.match : finding.tokenID
    return .object([
      ("kind", .string(finding.rule.rawValue)),
      ("confidence", .string(finding.confidence.rawValue)),
      ("checksum", .string(ScanWords.checksum(finding.match))),
      ("source", .string(located.location.source.rawValue)),
      ("path", .string(located.location.path)),
      ("commit", located.location.commit.map(JSONValue.string) ?? .null),
      ("line", .integer(Int64(finding.match.line))),
      ("column", .integer(Int64(finding.match.column))),
      ("secret", isID ? .null : .string(finding.match.masked)),
      ("token_id", tokenID.map { .string($0.value) } ?? .null),
      ("problem", ScanWords.problem(finding.match).map(JSONValue.string) ?? .null),
      ("server_state", located.serverState.map { .string($0.rawValue) } ?? .null),
      ("report", located.reported.map { .string($0.rawValue) } ?? .null),
    ])
  }

  private static func place(_ location: ScanLocation) -> String {
    location.source == .index ? "\(location.path) (staged)" : location.path
  }

  private static func values(_ finding: TokenFinding) -> String {
    guard let id = finding.tokenID else { return finding.match.masked }
    return "\(id.value) \(finding.match.masked)"
  }
}
