import Foundation

/// `POST /secret-scanning/github` on the dashboard's listener: GitHub's secret-scanning partner
/// protocol. GitHub posts a JSON array of found tokens (`token`, `type`, `url`, `source`), signed
/// with ECDSA P-256 over SHA-256 of the raw body (`Github-Public-Key-Identifier` names the key,
/// `Github-Public-Key-Signature` is the DER signature in base64). The answer is GitHub's feedback
/// array: `{"token_raw", "token_type", "label": "true_positive"|"false_positive"}` per token.
///
/// Refusals: 400 for missing headers or a body that is not the array, 401 for an unknown key id
/// or a signature that does not verify, 409 for a replay (the same body and signature within the
/// replay window), 413 for a body over `maximumBodyBytes` or more than `maximumFindings` tokens,
/// 503 when the store fails (GitHub delivers again later).
package struct GitHubScanningEndpoint: Sendable {
  /// The path it answers.
  package static let path = "/secret-scanning/github"
  /// The largest report accepted, in bytes (also the dashboard listener's body limit).
  package static let maximumBodyBytes = 64 * 1024
  /// The most tokens one report may carry.
  package static let maximumFindings = 1000

  let keys: ScanningKeySource
  let replays: ReplayGuard
  let service: LeakReportService
  let metrics: ServerMetrics
  let clock: ServerClock

  /// An endpoint verifying reports with `keys`, acting through `backend`'s leak service.
  package init(keys: ScanningKeySource, backend: Backend, replays: ReplayGuard = ReplayGuard()) {
    self.keys = keys
    self.replays = replays
    service = backend.leaks
    metrics = backend.dependencies.metrics
    clock = backend.dependencies.clock
  }

  /// Why a report was refused or what became of it: the `outcome` label of
  /// `modal_server_leak_reports_total`.
  enum Outcome: String {
    case accepted, malformed, unknownKey = "unknown_key", badSignature = "bad_signature", replay, tooLarge = "too_large"
    case unavailable
  }

  /// The answer for `POST /secret-scanning/github`, or `nil` for any other request.
  package func answer(_ request: HTTPRequest) async -> HTTPResponse? {
    guard request.path == Self.path else { return nil }
    guard request.method == "POST" else {
      var response = HTTPResponse.text(405, "Secret-scanning reports are POSTed.\n")
      response.add("Allow", "POST")
      return response
    }
    let (outcome, response) = await handle(request)
    metrics.leakReports.add(outcome.rawValue)
    return response
  }

  private func handle(_ request: HTTPRequest) async -> (Outcome, HTTPResponse) {
    guard request.body.count <= Self.maximumBodyBytes else {
      return (.tooLarge, .text(413, "The report is too large (at most \(Self.maximumBodyBytes) bytes).\n"))
    }
    guard let keyID = request.header("github-public-key-identifier"),
      let signatureText = request.header("github-public-key-signature")
    else {
      return (
        .malformed,
        .text(400, "Send the Github-Public-Key-Identifier and Github-Public-Key-Signature headers.\n")
      )
    }
    // Awaited before the guard: Swift 6.3.1's optimizer can crash on an `await` inside a `guard`.
    let known = await keys.key(keyID)
    guard let key = known else {
      return (.unknownKey, .text(401, "The key identifier is not one of the configured secret-scanning keys.\n"))
    }
    guard let signature = Data(base64Encoded: signatureText).map(Array.init),
      LibCrypto.verify(signature, of: request.body, with: key)
    else {
      return (.badSignature, .text(401, "The signature does not verify over the request body.\n"))
    }
    let digest = LibCrypto.sha256(signature + request.body)
    guard replays.admit(digest, at: clock.now()) else {
      return (.replay, .text(409, "This report (the same body and signature) was already received.\n"))
    }
    guard let findings = Self.findings(request.body) else {
      return (.malformed, .text(400, "The body must be a JSON array of {\"token\", \"type\", \"url\", \"source\"}.\n"))
    }
    guard findings.count <= Self.maximumFindings else {
      return (.tooLarge, .text(413, "The report has too many tokens (at most \(Self.maximumFindings)).\n"))
    }
    let verdicts: [LeakReportService.Verdict]
    do {
      verdicts = try await service.report(findings, by: LeakReportService.reporter("github", peer: request.peer))
    } catch {
      replays.forget(digest)
      return (.unavailable, .text(503, "The server could not act on the report; deliver it again later.\n"))
    }
    for verdict in verdicts { metrics.leakedTokens.add(verdict.label.rawValue) }
    return (.accepted, Self.feedback(findings, verdicts))
  }

  /// The findings of a report body, or `nil` when it is not an array of objects with a `token`.
  static func findings(_ body: [UInt8]) -> [LeakReportService.Finding]? {
    guard let array = try? JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]] else { return nil }
    var findings: [LeakReportService.Finding] = []
    for item in array {
      guard let token = item["token"] as? String else { return nil }
      findings.append(
        LeakReportService.Finding(
          token: token, type: item["type"] as? String ?? "", url: item["url"] as? String ?? "",
          source: item["source"] as? String ?? ""))
    }
    return findings
  }

  /// GitHub's feedback array: each token as sent, its type and its label.
  static func feedback(_ findings: [LeakReportService.Finding], _ verdicts: [LeakReportService.Verdict]) -> HTTPResponse {
    let items: [[String: String]] = zip(findings, verdicts).map { finding, verdict in
      ["token_raw": finding.token, "token_type": finding.type, "label": verdict.label.rawValue]
    }
    let body = (try? JSONSerialization.data(withJSONObject: items, options: [.sortedKeys])) ?? Data("[]".utf8)
    return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(body))
  }
}
