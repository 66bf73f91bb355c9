/// The `/metrics` listener (`serve --metrics-address`): the Prometheus text page on `GET /metrics`,
/// 404 for anything else. Kept apart from the dashboard so it can be bound to a private address.
package enum MetricsEndpoint {
  /// Starts a listener on `host:port` answering from `metrics` and `store`.
  package static func start(
    host: String, port: Int, metrics: ServerMetrics, store: StoreStatistics?
  ) throws(ServerError) -> HTTPServer {
    var configuration = HTTPServerConfiguration(host: host, port: port, tls: nil)
    configuration.defaultHeaders = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
    do {
      return try HTTPServer(configuration: configuration) { request in
        answer(request, metrics: metrics, store: store)
      }
    } catch {
      throw ServerError(.failedPrecondition, "Could not serve metrics: \(error.message)")
    }
  }

  /// The response to one request.
  static func answer(_ request: HTTPRequest, metrics: ServerMetrics, store: StoreStatistics?) -> HTTPResponse {
    guard request.path == "/metrics" else { return .text(404, "Not found: metrics are at /metrics.\n") }
    guard request.method == "GET" || request.method == "HEAD" else {
      return HTTPResponse(status: 405, headers: [("Allow", "GET, HEAD"), ("Content-Type", "text/plain; charset=utf-8")])
    }
    let page = MetricsPage.render(metrics, store: store)
    return HTTPResponse(status: 200, headers: [("Content-Type", PrometheusText.contentType)], body: Array(page.utf8))
  }
}
