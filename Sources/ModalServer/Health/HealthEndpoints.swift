/// `GET /healthz` and `GET /readyz` on the dashboard's listener, for orchestrators: no
/// authentication, no cookies, nothing about users or tokens.
package enum HealthEndpoints {
  /// The answer for a health path, or `nil` for any other request (the dashboard's).
  ///
  /// `/healthz`: the process runs and answers HTTP (200 `ok`). `/readyz`: the database answers
  /// with the schema this binary expects and the keys are loaded (200 `ready`), else 503 with the
  /// reason.
  package static func answer(_ request: HTTPRequest, readiness: Readiness) async -> HTTPResponse? {
    guard request.method == "GET" || request.method == "HEAD" else { return nil }
    switch request.path {
    case "/healthz":
      return .text(200, "ok\n")
    case "/readyz":
      switch await readiness.current() {
      case .ready: return .text(200, "ready\n")
      case .notReady(let reason): return .text(503, "not ready: \(reason)\n")
      }
    default:
      return nil
    }
  }
}
