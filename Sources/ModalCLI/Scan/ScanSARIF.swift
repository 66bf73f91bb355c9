import Modal
import ModalTokenFormat
import ModalTokenScan

/// A scan's result as a SARIF 2.1.0 log, the format GitHub code scanning uploads.
enum ScanSARIF {
  /// Where the rules are explained (the `modal token` reference).
  static let informationURI = "https://modal.com/docs/reference/cli/token"
  /// The schema the log declares.
  static let schema = "https://json.schemastore.org/sarif-2.1.0.json"
  /// The key of the fingerprint each result carries, so code scanning tracks it across runs.
  static let fingerprintKey = "modalTokenScan/v1"

  /// The log: one run, the rules, a result per finding.
  static func log(_ result: ScanResult) -> JSONValue {
    let rules = TokenRule.allCases
    let driver = JSONValue.object([
      ("name", .string("modal token scan")),
      ("informationUri", .string(informationURI)),
      ("rules", .array(rules.map(rule))),
    ])
    let run = JSONValue.object([
      ("tool", .object([("driver", driver)])),
      ("columnKind", .string("unicodeCodePoints")),
      ("results", .array(result.findings.map { self.result($0, ruleIndex: rules.firstIndex(of: $0.finding.rule) ?? 0) })),
    ])
    return .object([("$schema", .string(schema)), ("version", .string("2.1.0")), ("runs", .array([run]))])
  }

  private static func rule(_ rule: TokenRule) -> JSONValue {
    .object([
      ("id", .string(rule.rawValue)),
      ("name", .string(rule.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined())),
      ("shortDescription", .object([("text", .string(ScanWords.title(rule)))])),
      ("fullDescription", .object([("text", .string(ScanWords.help(rule)))])),
      ("help", .object([("text", .string(ScanWords.help(rule)))])),
      ("defaultConfiguration", .object([("level", .string(rule == .pair || rule == .secret ? "error" : "note"))])),
    ])
  }

  private static func result(_ located: LocatedFinding, ruleIndex: Int) -> JSONValue {
    let finding = located.finding
    var message = "\(ScanWords.title(finding.rule)): \(finding.match.masked)"
    if finding.confidence != .none { message += " (\(finding.confidence.rawValue) confidence, checksum \(ScanWords.checksum(finding.match)))" }
    if let commit = located.location.commit { message += ", added in commit \(commit)" }
    if located.location.source == .index { message += ", staged" }
    if let state = located.serverState { message += "; server: \(ScanWords.state(state))" }
    if let verdict = located.reported { message += "; reported: \(ScanWords.verdict(verdict))" }
    let region = JSONValue.object([
      ("startLine", .integer(Int64(finding.match.line))), ("startColumn", .integer(Int64(finding.match.column))),
    ])
    let physical = JSONValue.object([
      ("artifactLocation", .object([("uri", .string(uri(located.location.path)))])), ("region", region),
    ])
    return .object([
      ("ruleId", .string(finding.rule.rawValue)),
      ("ruleIndex", .integer(Int64(ruleIndex))),
      ("level", .string(level(finding.confidence))),
      ("message", .object([("text", .string(message))])),
      ("locations", .array([.object([("physicalLocation", physical)])])),
      ("partialFingerprints", .object([(fingerprintKey, .string(fingerprint(located)))])),
    ])
  }

  private static func level(_ confidence: TokenFinding.Confidence) -> String {
    switch confidence {
    case .high: return "error"
    case .medium, .low: return "warning"
    case .none: return "note"
    }
  }

  /// A relative URI reference for a path: `/` kept, every byte outside RFC 3986's unreserved set
  /// percent-encoded.
  static func uri(_ path: String) -> String {
    let path = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
    var out = ""
    for byte in path.utf8 {
      if Base62.contains(byte) || "-._~/".utf8.contains(byte) {
        out.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
      }
    }
    return out
  }

  /// A stable hash of rule, path and masked value (FNV-1a, 64 bits): the same leak keeps its
  /// identity when lines move, and the hash reveals nothing the masked value does not.
  static func fingerprint(_ located: LocatedFinding) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    let key = "\(located.finding.rule.rawValue)\0\(located.location.path)\0\(located.finding.match.masked)"
    for byte in key.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
