import RPC

/// Why a token check ended as it did: the `reason` label of
/// `modal_server_authentications_total` (a fixed set, so the label never carries a token id).
package enum AuthenticationOutcome: Int, Sendable, CaseIterable {
  case ok, missing, malformed, invalid, revoked, disabled, expired, error

  /// The label value.
  package var label: String {
    switch self {
    case .ok: "ok"
    case .missing: "missing"
    case .malformed: "malformed"
    case .invalid: "invalid"
    case .revoked: "revoked"
    case .disabled: "disabled"
    case .expired: "expired"
    case .error: "error"
    }
  }
}

/// Everything `modal-server` counts for `/metrics`, shared by the services of one process
/// (through `Dependencies`). Counters are updated under short locks of their own; nothing here
/// holds a token id, an email or any other per-user value.
package final class ServerMetrics: Sendable {
  private let methods = Locked<[String: MethodMetrics]>([:])
  private let authentications = Locked([UInt64](repeating: 0, count: AuthenticationOutcome.allCases.count))
  /// Tokens created (by any route: API, dashboard, login flows).
  package let tokensMinted = MetricCounter()
  /// Tokens revoked (one by one; revocations that come with a member's removal are not counted).
  package let tokensRevoked = MetricCounter()
  /// Login flows started (`TokenFlowCreate`).
  package let flowsStarted = MetricCounter()
  /// Login flows approved.
  package let flowsApproved = MetricCounter()
  /// Waits that found their login flow expired.
  package let flowsExpired = MetricCounter()
  /// Dashboard responses by HTTP status.
  package let dashboardRequests = LabeledCounter()
  /// Requests refused by a rate limit, by the limit's name.
  package let rateLimited = LabeledCounter()
  /// Secret-scanning reports (`POST /secret-scanning/github`), by outcome (`accepted`,
  /// `bad_signature`, `unknown_key`, `replay`, `too_large`, `malformed`, `unavailable`).
  package let leakReports = LabeledCounter()
  /// Tokens in accepted leak reports, by label (`true_positive`, `false_positive`).
  package let leakedTokens = LabeledCounter()

  /// Empty metrics.
  package init() {}

  /// The counts of one method, created on first use (methods register once, at start-up).
  package func method(_ path: String) -> MethodMetrics {
    methods.withLock { methods in
      if let existing = methods[path] { return existing }
      let created = MethodMetrics(path: path)
      methods[path] = created
      return created
    }
  }

  /// Every method's counts, sorted by path.
  package var methodSnapshots: [(path: String, snapshot: MethodMetrics.Snapshot)] {
    methods.withLock { Array($0.values) }.sorted { $0.path < $1.path }.map { ($0.path, $0.snapshot) }
  }

  /// Counts one token check.
  package func authenticated(_ outcome: AuthenticationOutcome) {
    authentications.withLock { $0[outcome.rawValue] &+= 1 }
  }

  /// Token checks by outcome.
  package var authenticationCounts: [(outcome: AuthenticationOutcome, count: UInt64)] {
    let counts = authentications.withLock { $0 }
    return AuthenticationOutcome.allCases.map { ($0, counts[$0.rawValue]) }
  }
}
