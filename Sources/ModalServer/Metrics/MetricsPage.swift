import RPC

/// Renders `/metrics`: the server's counters, the store's statistics and the process' figures,
/// named by Prometheus' conventions (`modal_server_` prefix, `_total` counters, base units).
package enum MetricsPage {
  /// The whole page.
  package static func render(_ metrics: ServerMetrics, store: StoreStatistics?) -> String {
    var page = PrometheusText()
    calls(metrics, &page)
    events(metrics, &page)
    if let store { storeFigures(store, &page) }
    process(ProcessStatistics.current(), &page)
    return page.text
  }

  private static func calls(_ metrics: ServerMetrics, _ page: inout PrometheusText) {
    let methods = metrics.methodSnapshots
    page.family("modal_server_grpc_calls_total", "counter", "gRPC calls served, by method and status code.")
    for (path, snapshot) in methods {
      for (index, count) in snapshot.codes.enumerated() where count > 0 {
        let code = Status.Code(rawValue: Int32(index))?.description ?? String(index)
        page.sample("modal_server_grpc_calls_total", [("method", path), ("code", code)], count)
      }
    }
    page.family("modal_server_grpc_call_duration_seconds", "histogram", "gRPC call latency, by method.")
    for (path, snapshot) in methods {
      page.histogram("modal_server_grpc_call_duration_seconds", [("method", path)], snapshot.latency)
    }
    page.family("modal_server_authentications_total", "counter", "Token checks, by outcome.")
    for (outcome, count) in metrics.authenticationCounts {
      page.sample("modal_server_authentications_total", [("reason", outcome.label)], count)
    }
  }

  private static func events(_ metrics: ServerMetrics, _ page: inout PrometheusText) {
    let counters: [(String, String, MetricCounter)] = [
      ("modal_server_tokens_minted_total", "Tokens created.", metrics.tokensMinted),
      ("modal_server_tokens_revoked_total", "Tokens revoked one by one.", metrics.tokensRevoked),
      ("modal_server_login_flows_started_total", "Login flows started.", metrics.flowsStarted),
      ("modal_server_login_flows_approved_total", "Login flows approved.", metrics.flowsApproved),
      ("modal_server_login_flows_expired_total", "Waits that found their login flow expired.", metrics.flowsExpired),
    ]
    for (name, help, counter) in counters {
      page.family(name, "counter", help)
      page.sample(name, [], counter.count)
    }
    let labeled: [(name: String, help: String, label: String, counter: LabeledCounter)] = [
      ("modal_server_http_requests_total", "Dashboard requests, by response status.", "status", metrics.dashboardRequests),
      ("modal_server_rate_limited_total", "Requests refused by a rate limit, by limit.", "limit", metrics.rateLimited),
      (
        "modal_server_leak_reports_total", "Secret-scanning reports received, by outcome.", "outcome",
        metrics.leakReports
      ),
      ("modal_server_leaked_tokens_total", "Tokens in accepted leak reports, by label.", "label", metrics.leakedTokens),
    ]
    for family in labeled {
      page.family(family.name, "counter", family.help)
      for (value, count) in family.counter.counts { page.sample(family.name, [(family.label, value)], count) }
    }
  }

  private static func storeFigures(_ store: StoreStatistics, _ page: inout PrometheusText) {
    page.family("modal_server_store_operation_duration_seconds", "histogram", "Store transactions' latency.")
    page.histogram("modal_server_store_operation_duration_seconds", [], store.latency.snapshot)
    guard let pool = store.pool else { return }
    // Only PostgreSQL stores have a pool, and only they receive other replicas' changes.
    page.family(
      "modal_server_change_event_lag_seconds", "histogram",
      "Time from another replica's commit of a change to its application here.")
    page.histogram("modal_server_change_event_lag_seconds", [], store.changeEventLag.snapshot)
    let figures = [
      ("modal_server_database_connections_max", "The most connections the pool opens.", pool.capacity),
      ("modal_server_database_connections_open", "Database connections open.", pool.open),
      ("modal_server_database_connections_in_use", "Database connections lent out.", pool.inUse),
    ]
    for (name, help, value) in figures {
      page.family(name, "gauge", help)
      page.sample(name, [], Double(value))
    }
  }

  private static func process(_ statistics: ProcessStatistics, _ page: inout PrometheusText) {
    let figures: [(String, String, Double?)] = [
      ("process_resident_memory_bytes", "Resident memory size in bytes.", statistics.residentBytes.map { Double($0) }),
      ("process_open_fds", "Number of open file descriptors.", statistics.openDescriptors.map { Double($0) }),
      ("modal_server_threads", "Threads of the process.", statistics.threads.map { Double($0) }),
    ]
    for case let (name, help, value?) in figures {
      page.family(name, "gauge", help)
      page.sample(name, [], value)
    }
  }
}
