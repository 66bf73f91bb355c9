import Modal
import ModalTokenScan

/// `modal token scan --check-server` and `--report`: asks the server about the secrets a scan
/// found and writes its answers onto the findings. Each distinct secret is sent once, in batches
/// the server accepts; a check sends token ids and SHA-256 fingerprints only, never a secret.
struct ScanServer {
  /// The server's batch limit.
  static let batch = 100
  let reporter: LeakReporter

  /// Checks the token of every finding that has an id beside its secret (a lone secret cannot be
  /// checked without sending it, so it stays unasked).
  func check(_ result: inout ScanResult) async throws(ModalError) {
    let asked = distinct(result) { located in located.finding.tokenID.map { $0.value + " " + located.finding.match.value } }
    var pairs: [(tokenID: String, secret: String)] = []
    for index in asked.firsts {
      let finding = result.findings[index].finding
      pairs.append((finding.tokenID?.value ?? "", finding.match.value))
    }
    var states: [LeakReporter.TokenState] = []
    for start in stride(from: 0, to: pairs.count, by: Self.batch) {
      states += try await reporter.states(of: Array(pairs[start..<min(start + Self.batch, pairs.count)]))
    }
    for (index, key) in asked.keys { result.findings[index].serverState = states[key] }
  }

  /// Reports every leaked secret, each with the place it was first found.
  func report(_ result: inout ScanResult) async throws(ModalError) {
    let asked = distinct(result) { $0.finding.match.value }
    let findings = asked.firsts.map { index in
      LeakReporter.Finding(secret: result.findings[index].finding.match.value, location: Self.place(result.findings[index]))
    }
    var verdicts: [LeakReporter.Verdict] = []
    for start in stride(from: 0, to: findings.count, by: Self.batch) {
      verdicts += try await reporter.report(Array(findings[start..<min(start + Self.batch, findings.count)]))
    }
    for (index, key) in asked.keys { result.findings[index].reported = verdicts[key] }
  }

  /// The leaked findings grouped by `key`: the first finding of each group, in order, and for
  /// every leaked finding with a key the number of its group.
  private func distinct(_ result: ScanResult, key: (LocatedFinding) -> String?) -> (firsts: [Int], keys: [(Int, Int)]) {
    var groups: [String: Int] = [:]
    var firsts: [Int] = []
    var keys: [(Int, Int)] = []
    for (index, located) in result.findings.enumerated() where located.finding.isLeak {
      guard let value = key(located) else { continue }
      let group = groups[value] ?? firsts.count
      if groups[value] == nil {
        groups[value] = group
        firsts.append(index)
      }
      keys.append((index, group))
    }
    return (firsts, keys)
  }

  /// Where a finding was: `path:line`, with the commit for history.
  static func place(_ located: LocatedFinding) -> String {
    var place = "\(located.location.path):\(located.finding.match.line)"
    if let commit = located.location.commit { place += " (commit \(commit))" }
    if located.location.source == .index { place += " (staged)" }
    return place
  }
}
